package io.bqharpersync.harper;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;

/**
 * Which Harper node takes the write of a record: a pure function of its primary key.
 *
 * <p>Jump consistent hashing over the key's FarmHash fingerprint, rather than {@code hash % n}:
 * growing the cluster from n to n+1 nodes moves only about 1/(n+1) of the keys to the new node,
 * where a modulo would move nearly all of them. Every row still reaches every node through
 * Harper's replication; the slot decides only which node does the write work.
 */
public final class NodeSlots {
  private NodeSlots() {}

  public static int slotOf(String primaryKey, int nodeCount) {
    if (nodeCount < 1) {
      throw new IllegalArgumentException("nodeCount: must be >= 1, got " + nodeCount);
    }
    long fingerprint =
        Hashing.farmHashFingerprint64().hashString(primaryKey, StandardCharsets.UTF_8).asLong();
    return Hashing.consistentHash(fingerprint, nodeCount);
  }
}
