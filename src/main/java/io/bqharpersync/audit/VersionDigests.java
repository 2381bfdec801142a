package io.bqharpersync.audit;

import io.bqharpersync.source.BucketDigest;
import io.bqharpersync.source.TableQueries;
import java.util.ArrayList;
import java.util.List;

/**
 * One side of an audit summarized per key bucket: how many keys, and the XOR of a fingerprint of
 * each (key, version). Equal digests mean, short of a 64-bit collision, the same keys holding the
 * same versions; the memory is fixed (two longs a bucket) whatever the table's size.
 */
final class VersionDigests {
  private final int bucketCount;
  private final long[] counts;
  private final long[] xors;
  private long total;

  /** Buckets are {@link TableQueries#keyBucket(String, int)}: {@code -(n-1)..(n-1)}. */
  VersionDigests(int bucketCount) {
    this.bucketCount = bucketCount;
    this.counts = new long[2 * bucketCount - 1];
    this.xors = new long[2 * bucketCount - 1];
  }

  void add(String key, String version) {
    int index = TableQueries.keyBucket(key, bucketCount) + bucketCount - 1;
    counts[index]++;
    xors[index] ^= BucketDigest.fingerprint(key + '\u0000' + version);
    total++;
  }

  long total() {
    return total;
  }

  /** How many keys bucket {@code bucket} holds. */
  long count(int bucket) {
    return counts[bucket + bucketCount - 1];
  }

  /** Whether bucket {@code bucket} holds the same keys and versions here as in {@code other}. */
  boolean sameIn(int bucket, VersionDigests other) {
    int index = bucket + bucketCount - 1;
    return counts[index] == other.counts[index] && xors[index] == other.xors[index];
  }

  /** The buckets whose digests differ from {@code other}'s, in ascending order. */
  List<Integer> differing(VersionDigests other) {
    List<Integer> buckets = new ArrayList<>();
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] != other.counts[i] || xors[i] != other.xors[i]) {
        buckets.add(i - bucketCount + 1);
      }
    }
    return buckets;
  }
}
