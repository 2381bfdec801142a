package io.bqharpersync.source;

import io.bqharpersync.record.Cursor;
import java.io.Serializable;
import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * What one shard's {@link LateRowScan} knows, as part of the shard's {@link ShardProgress}.
 *
 * @param readDigests per timestamp bucket, the digest of the rows this job has read
 * @param nextRescanMillis when the next comparison with BigQuery's digests is due
 * @param pending buckets found to differ and not yet re-read in full, by bucket number: they are
 *     re-read whatever the cursor does meanwhile, so none slides out of the window unchecked
 * @param nullCursorRows the count of NULL-timestamp rows last seen, or -1 before the first look
 * @param nextNullScanMillis when the next count of NULL-timestamp rows is due
 * @param nullScanAfter while NULL-timestamp rows are being read, the id after which the next page
 *     starts ("" for the first page); null otherwise
 * @param cursorTies the digest of the rows read that have the cursor's very timestamp: taken out
 *     of the cursor's bucket, what remains is exactly the rows before that timestamp, which is
 *     what the comparison asks BigQuery for
 */
public record RescanState(
    NavigableMap<Long, BucketDigest> readDigests,
    long nextRescanMillis,
    NavigableMap<Long, PendingBucket> pending,
    long nullCursorRows,
    long nextNullScanMillis,
    String nullScanAfter,
    BucketDigest cursorTies) implements Serializable {

  /**
   * A bucket to re-read: what BigQuery held in it, the last timestamp the re-read covers
   * (inclusive), the position after which its next page starts, the part of the reader's digest
   * the re-read replaces, and the digest of the rows re-read so far.
   */
  public record PendingBucket(BucketDigest source, long upperMicros, Cursor after,
      BucketDigest replaced, BucketDigest reread) implements Serializable {}

  public RescanState {
    readDigests = Collections.unmodifiableNavigableMap(new TreeMap<>(readDigests));
    pending = Collections.unmodifiableNavigableMap(new TreeMap<>(pending));
  }

  /** Nothing read yet; the first comparison and the first NULL count are due at {@code firstMillis}. */
  public static RescanState start(long firstMillis) {
    return new RescanState(new TreeMap<>(), firstMillis, new TreeMap<>(), -1, firstMillis, null,
        BucketDigest.EMPTY);
  }

  public RescanState withDigests(NavigableMap<Long, BucketDigest> digests) {
    return new RescanState(digests, nextRescanMillis, pending, nullCursorRows, nextNullScanMillis,
        nullScanAfter, cursorTies);
  }

  public RescanState withDigests(NavigableMap<Long, BucketDigest> digests, BucketDigest ties) {
    return new RescanState(digests, nextRescanMillis, pending, nullCursorRows, nextNullScanMillis,
        nullScanAfter, ties);
  }

  public RescanState withPending(NavigableMap<Long, PendingBucket> buckets, long nextRescan) {
    return new RescanState(readDigests, nextRescan, buckets, nullCursorRows, nextNullScanMillis,
        nullScanAfter, cursorTies);
  }

  public RescanState withNullScan(long count, long nextNullScan, String after) {
    return new RescanState(readDigests, nextRescanMillis, pending, count, nextNullScan, after,
        cursorTies);
  }
}
