package io.bqharpersync.source;

import io.bqharpersync.record.Cursor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BigEndianLongCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * Everything one shard's reader knows, as the restriction of {@link ReadShardFn}: the cursor it has
 * read up to, the number its next page gets, its read window, and the state of its trailing
 * re-scan ({@link RescanState}).
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
    RescanState rescan) implements Serializable {

  /** {@link #endMicros} of a continuous read: no end. */
  public static final long UNBOUNDED = Long.MAX_VALUE;

  public static final ShardProgressCoder CODER = new ShardProgressCoder();

  /**
   * @param done nothing more may be claimed: a backfill reached its end, or the runner split off
   *     the rest
   */
  public ShardProgress {
    Objects.requireNonNull(cursor, "cursor");
    Objects.requireNonNull(rescan, "rescan");
  }

  /** A shard starting after {@code cursor}, its next page numbered {@code nextPageSeq}. */
  public static ShardProgress start(
      Cursor cursor, long nextPageSeq, long windowMicros, long endMicros, long firstRescanMillis) {
    return new ShardProgress(cursor, nextPageSeq, windowMicros, endMicros, false,
        RescanState.start(firstRescanMillis));
  }

  public boolean isBounded() {
    return endMicros != UNBOUNDED;
  }

  /** After a non-empty page of the shard's sequence ending at {@code last}. */
  public ShardProgress afterPage(Cursor last, long newWindowMicros, RescanState folded) {
    return new ShardProgress(last, nextPageSeq + 1, newWindowMicros, endMicros, false, folded);
  }

  /** An empty page: only the read window changed. */
  public ShardProgress withWindow(long newWindowMicros) {
    return new ShardProgress(cursor, nextPageSeq, newWindowMicros, endMicros, false, rescan);
  }

  /** After a step of the re-scans; {@code pagesEmitted} is 1 if it emitted a tracked page. */
  public ShardProgress afterRescan(RescanState next, int pagesEmitted) {
    return new ShardProgress(cursor, nextPageSeq + pagesEmitted, windowMicros, endMicros, false,
        next);
  }

  public ShardProgress finished() {
    return new ShardProgress(cursor, nextPageSeq, windowMicros, endMicros, true, rescan);
  }

  @Override
  public String toString() {
    return "ShardProgress{" + cursor + ", nextPage=" + nextPageSeq + ", window="
        + windowMicros / 1000 + "ms" + (isBounded() ? ", end=" + endMicros : "")
        + (done ? ", done" : "")
        + ", buckets=" + rescan.readDigests().size() + ", pending=" + rescan.pending().keySet() + "}";
  }

  /** Field by field; digests and pending buckets in bucket order. */
  public static final class ShardProgressCoder extends AtomicCoder<ShardProgress> {
    private static final Coder<String> OPTIONAL_STRING = NullableCoder.of(StringUtf8Coder.of());

    @Override
    public void encode(ShardProgress p, OutputStream out) throws IOException {
      Cursor.CODER.encode(p.cursor, out);
      VarLongCoder.of().encode(p.nextPageSeq, out);
      VarLongCoder.of().encode(p.windowMicros, out);
      BigEndianLongCoder.of().encode(p.endMicros, out);
      BooleanCoder.of().encode(p.done, out);
      RescanState r = p.rescan;
      VarIntCoder.of().encode(r.readDigests().size(), out);
      for (Map.Entry<Long, BucketDigest> bucket : r.readDigests().entrySet()) {
        BigEndianLongCoder.of().encode(bucket.getKey(), out);
        encodeDigest(bucket.getValue(), out);
      }
      BigEndianLongCoder.of().encode(r.nextRescanMillis(), out);
      VarIntCoder.of().encode(r.pending().size(), out);
      for (Map.Entry<Long, RescanState.PendingBucket> bucket : r.pending().entrySet()) {
        BigEndianLongCoder.of().encode(bucket.getKey(), out);
        encodeDigest(bucket.getValue().source(), out);
        BigEndianLongCoder.of().encode(bucket.getValue().upperMicros(), out);
        Cursor.CODER.encode(bucket.getValue().after(), out);
        encodeDigest(bucket.getValue().replaced(), out);
        encodeDigest(bucket.getValue().reread(), out);
      }
      BigEndianLongCoder.of().encode(r.nullCursorRows(), out);
      BigEndianLongCoder.of().encode(r.nextNullScanMillis(), out);
      OPTIONAL_STRING.encode(r.nullScanAfter(), out);
      encodeDigest(r.cursorTies(), out);
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
        digests.put(BigEndianLongCoder.of().decode(in), decodeDigest(in));
      }
      long nextRescan = BigEndianLongCoder.of().decode(in);
      TreeMap<Long, RescanState.PendingBucket> pending = new TreeMap<>();
      for (int i = VarIntCoder.of().decode(in); i > 0; i--) {
        pending.put(BigEndianLongCoder.of().decode(in), new RescanState.PendingBucket(
            decodeDigest(in), BigEndianLongCoder.of().decode(in), Cursor.CODER.decode(in),
            decodeDigest(in), decodeDigest(in)));
      }
      RescanState rescan = new RescanState(digests, nextRescan, pending,
          BigEndianLongCoder.of().decode(in), BigEndianLongCoder.of().decode(in),
          OPTIONAL_STRING.decode(in), decodeDigest(in));
      return new ShardProgress(cursor, nextPageSeq, windowMicros, endMicros, done, rescan);
    }

    private static void encodeDigest(BucketDigest digest, OutputStream out) throws IOException {
      VarLongCoder.of().encode(digest.count(), out);
      BigEndianLongCoder.of().encode(digest.idXor(), out);
    }

    private static BucketDigest decodeDigest(InputStream in) throws IOException {
      return new BucketDigest(VarLongCoder.of().decode(in), BigEndianLongCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
