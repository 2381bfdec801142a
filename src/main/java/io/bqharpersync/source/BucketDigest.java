package io.bqharpersync.source;

import com.google.common.hash.Hashing;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * A set of rows summarized as (count, XOR of {@code FARM_FINGERPRINT(id)}), the same figures
 * {@link ShardQuery#bucketDigests} computes in BigQuery. Two sets with equal digests are, short of
 * a 64-bit collision, the same set of ids; adding an id is O(1), so a reader can keep the digest
 * of what it has read as it goes.
 */
public record BucketDigest(long count, long idXor) implements Serializable {
  public static final BucketDigest EMPTY = new BucketDigest(0, 0);

  /** BigQuery's FARM_FINGERPRINT of the id's string form. */
  public static long fingerprint(String id) {
    return Hashing.farmHashFingerprint64().hashString(id, StandardCharsets.UTF_8).asLong();
  }

  /** With one more row; a row without an id counts but, as in SQL's BIT_XOR, adds no bits. */
  public BucketDigest plus(String id) {
    return new BucketDigest(count + 1, id == null ? idXor : idXor ^ fingerprint(id));
  }

  /** The digest of both sets of rows together. */
  public BucketDigest plus(BucketDigest other) {
    return new BucketDigest(count + other.count, idXor ^ other.idXor);
  }

  /** The digest of this set without {@code other}, a subset of it (XOR undoes itself). */
  public BucketDigest minus(BucketDigest other) {
    return new BucketDigest(count - other.count, idXor ^ other.idXor);
  }

  @Override
  public String toString() {
    return "BucketDigest{count=" + count + ", xor=" + Long.toHexString(idXor) + "}";
  }
}
