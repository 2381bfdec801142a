package io.bqharpersync.source;

import io.bqharpersync.record.Cursor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BigEndianLongCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * Everything one shard's reader knows, as the restriction of {@link ReadShardFn}: the cursor it has
 * read up to, the number its next page gets, its read window, the digests of what it has read per
 * timestamp bucket (for the trailing re-scan), and when the next re-scan is due.
 *
 * <p>Claiming a page means claiming the progress after it, so the runner checkpoints exactly this
 * value between pages and resumes a shard from it; a new job starts it from the shard's committed
 * {@code SyncCheckpoint}. Immutable.
 */
public record ShardProgress(
    Cursor cursor,
    long nextPageSeq,
    long windowMicros,
    long endMicros,
    boolean done,
    NavigableMap<Long, BucketDigest> readDigests,
    long nextRescanMillis,
    long nullCursorRows,
    long nextNullScanMillis) implements Serializable {

  /** {@link #endMicros} of a continuous read: no end. */
  public static final long UNBOUNDED = Long.MAX_VALUE;

  public static final ShardProgressCoder CODER = new ShardProgressCoder();

  /**
   * @param done nothing more may be claimed: a backfill reached its end, or the runner split off
   *     the rest
   * @param readDigests per timestamp bucket, the digest of the rows read; an unmodifiable copy
   * @param nullCursorRows the count of NULL-timestamp rows last dead-lettered, or -1 before the
   *     first look
   */
  public ShardProgress {
    Objects.requireNonNull(cursor, "cursor");
    readDigests = Collections.unmodifiableNavigableMap(new TreeMap<>(readDigests));
  }

  /** A shard starting after {@code cursor}, its next page numbered {@code nextPageSeq}. */
  public static ShardProgress start(
      Cursor cursor, long nextPageSeq, long windowMicros, long endMicros, long firstRescanMillis) {
    return new ShardProgress(cursor, nextPageSeq, windowMicros, endMicros, false, new TreeMap<>(),
        firstRescanMillis, -1, firstRescanMillis);
  }

  public boolean isBounded() {
    return endMicros != UNBOUNDED;
  }

  /** After a non-empty page ending at {@code last}, with the digests of its rows folded in. */
  public ShardProgress afterPage(Cursor last, long newWindowMicros,
      NavigableMap<Long, BucketDigest> digests) {
    return new ShardProgress(last, nextPageSeq + 1, newWindowMicros, endMicros, false,
        digests, nextRescanMillis, nullCursorRows, nextNullScanMillis);
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
        digests, nextRescan, nullRows, nextNullScan);
  }

  public ShardProgress finished() {
    return new ShardProgress(cursor, nextPageSeq, windowMicros, endMicros, true, readDigests,
        nextRescanMillis, nullCursorRows, nextNullScanMillis);
  }

  @Override
  public String toString() {
    return "ShardProgress{" + cursor + ", nextPage=" + nextPageSeq + ", window="
        + windowMicros / 1000 + "ms" + (isBounded() ? ", end=" + endMicros : "")
        + (done ? ", done" : "") + ", buckets=" + readDigests.size() + "}";
  }

  /** Field by field, the digests as (bucket, count, xor) triples in bucket order. */
  public static final class ShardProgressCoder extends AtomicCoder<ShardProgress> {
    @Override
    public void encode(ShardProgress p, OutputStream out) throws IOException {
      Cursor.CODER.encode(p.cursor, out);
      VarLongCoder.of().encode(p.nextPageSeq, out);
      VarLongCoder.of().encode(p.windowMicros, out);
      BigEndianLongCoder.of().encode(p.endMicros, out);
      BooleanCoder.of().encode(p.done, out);
      VarIntCoder.of().encode(p.readDigests.size(), out);
      for (Map.Entry<Long, BucketDigest> bucket : p.readDigests.entrySet()) {
        VarLongCoder.of().encode(bucket.getKey(), out);
        VarLongCoder.of().encode(bucket.getValue().count(), out);
        BigEndianLongCoder.of().encode(bucket.getValue().idXor(), out);
      }
      VarLongCoder.of().encode(p.nextRescanMillis, out);
      VarLongCoder.of().encode(p.nullCursorRows, out);
      VarLongCoder.of().encode(p.nextNullScanMillis, out);
    }

    @Override
    public ShardProgress decode(InputStream in) throws IOException {
      Cursor cursor = Cursor.CODER.decode(in);
      long nextPageSeq = VarLongCoder.of().decode(in);
      long windowMicros = VarLongCoder.of().decode(in);
      long endMicros = BigEndianLongCoder.of().decode(in);
      boolean done = BooleanCoder.of().decode(in);
      TreeMap<Long, BucketDigest> digests = new TreeMap<>();
      for (int i = VarIntCoder.of().decode(in); i > 0; i--) {
        digests.put(VarLongCoder.of().decode(in), new BucketDigest(VarLongCoder.of().decode(in),
            BigEndianLongCoder.of().decode(in)));
      }
      return new ShardProgress(cursor, nextPageSeq, windowMicros, endMicros, done, digests,
          VarLongCoder.of().decode(in), VarLongCoder.of().decode(in), VarLongCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
