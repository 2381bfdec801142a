package io.bqharpersync.checkpoint;

/**
 * How a sync splits its table: the partition expression the shard hash is taken of, and the
 * number of shards. Checkpoints belong to one layout; a job with another layout starts from what
 * the last complete one committed (see {@link CheckpointStore#floorOfOtherLayouts}).
 *
 * @param partition the partition expression's name, e.g. {@code TIMESTAMP_MICROS}
 */
public record ShardLayout(String syncName, String partition, int shards)
    implements java.io.Serializable {
  /** The partition expression of checkpoints written before layouts had one. */
  public static final String LEGACY_PARTITION = "TIMESTAMP_STRING";

  /** The id of shard {@code shard}'s row in {@code SyncCheckpoint}. */
  public String key(int shard) {
    return syncName + "/" + partition + "/" + shards + "/" + shard;
  }
}
