package io.bqharpersync.source;

import io.bqharpersync.record.Cursor;
import java.io.Serializable;
import java.util.Collections;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything one shard's reader knows, as the restriction of {@link ReadShardFn}: the cursor it has
 * read up to, the number its next page gets, its read window, the digests of what it has read per
 * timestamp bucket (for the trailing re-scan), and when the next re-scan is due.
 *
 * <p>Claiming a page means claiming the progress after it, so the runner checkpoints exactly this
 * value between pages and resumes a shard from it; a new job starts it from the shard's committed
 * {@code SyncCheckpoint}. Immutable.
 */
public final class ShardProgress implements Serializable {
  private static final long serialVersionUID = 1L;

  /** {@link #endMicros} of a continuous read: no end. */
  public static final long UNBOUNDED = Long.MAX_VALUE;

  private final Cursor cursor;
  private final long nextPageSeq;
  private final long windowMicros;
  private final long endMicros;
  private final boolean done;
  private final TreeMap<Long, BucketDigest> readDigests;
  private final long nextRescanMillis;
  private final long nullCursorRows;
  private final long nextNullScanMillis;

  private ShardProgress(
      Cursor cursor, long nextPageSeq, long windowMicros, long endMicros, boolean done,
      TreeMap<Long, BucketDigest> readDigests, long nextRescanMillis, long nullCursorRows,
      long nextNullScanMillis) {
    this.cursor = Objects.requireNonNull(cursor, "cursor");
    this.nextPageSeq = nextPageSeq;
    this.windowMicros = windowMicros;
    this.endMicros = endMicros;
    this.done = done;
    this.readDigests = readDigests;
    this.nextRescanMillis = nextRescanMillis;
    this.nullCursorRows = nullCursorRows;
    this.nextNullScanMillis = nextNullScanMillis;
  }

  /** A shard starting after {@code cursor}, its next page numbered {@code nextPageSeq}. */
  public static ShardProgress start(
      Cursor cursor, long nextPageSeq, long windowMicros, long endMicros, long firstRescanMillis) {
    return new ShardProgress(cursor, nextPageSeq, windowMicros, endMicros, false, new TreeMap<>(),
        firstRescanMillis, -1, firstRescanMillis);
  }

  public Cursor cursor() {
    return cursor;
  }

  public long nextPageSeq() {
    return nextPageSeq;
  }

  public long windowMicros() {
    return windowMicros;
  }

  public boolean isBounded() {
    return endMicros != UNBOUNDED;
  }

  public long endMicros() {
    return endMicros;
  }

  /** Nothing more may be claimed: a backfill reached its end, or the runner split off the rest. */
  public boolean done() {
    return done;
  }

  public NavigableMap<Long, BucketDigest> readDigests() {
    return Collections.unmodifiableNavigableMap(readDigests);
  }

  public long nextRescanMillis() {
    return nextRescanMillis;
  }

  /** When the next count of NULL-timestamp rows is due. */
  public long nextNullScanMillis() {
    return nextNullScanMillis;
  }

  /** The count of NULL-timestamp rows last dead-lettered, or -1 before the first look. */
  public long nullCursorRows() {
    return nullCursorRows;
  }

  /** After a non-empty page ending at {@code last}, with the digests of its rows folded in. */
  public ShardProgress afterPage(Cursor last, long newWindowMicros,
      NavigableMap<Long, BucketDigest> digests) {
    return new ShardProgress(last, nextPageSeq + 1, newWindowMicros, endMicros, false,
        new TreeMap<>(digests), nextRescanMillis, nullCursorRows, nextNullScanMillis);
  }

  /** Only the read window changed (an empty page). */
  public ShardProgress withWindow(long newWindowMicros) {
    return new ShardProgress(cursor, nextPageSeq, newWindowMicros, endMicros, false, readDigests,
        nextRescanMillis, nullCursorRows, nextNullScanMillis);
  }

  /** After a step of the re-scans: reconciled digests, and when the next ones are due. */
  public ShardProgress afterRescan(NavigableMap<Long, BucketDigest> digests, long nextRescan,
      long nullRows, long nextNullScan) {
    return new ShardProgress(cursor, nextPageSeq, windowMicros, endMicros, false,
        new TreeMap<>(digests), nextRescan, nullRows, nextNullScan);
  }

  public ShardProgress finished() {
    return new ShardProgress(cursor, nextPageSeq, windowMicros, endMicros, true, readDigests,
        nextRescanMillis, nullCursorRows, nextNullScanMillis);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ShardProgress)) {
      return false;
    }
    ShardProgress p = (ShardProgress) o;
    return cursor.equals(p.cursor) && nextPageSeq == p.nextPageSeq
        && windowMicros == p.windowMicros && endMicros == p.endMicros && done == p.done
        && readDigests.equals(p.readDigests) && nextRescanMillis == p.nextRescanMillis
        && nullCursorRows == p.nullCursorRows && nextNullScanMillis == p.nextNullScanMillis;
  }

  @Override
  public int hashCode() {
    return Objects.hash(cursor, nextPageSeq, done);
  }

  @Override
  public String toString() {
    return "ShardProgress{" + cursor + ", nextPage=" + nextPageSeq + ", window="
        + windowMicros / 1000 + "ms" + (isBounded() ? ", end=" + endMicros : "")
        + (done ? ", done" : "") + ", buckets=" + readDigests.size() + "}";
  }
}
