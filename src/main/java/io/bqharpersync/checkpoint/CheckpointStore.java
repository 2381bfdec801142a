package io.bqharpersync.checkpoint;

import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.harper.HarperException;
import io.bqharpersync.retry.RetryPolicy;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes {@code SyncCheckpoint} rows. A shard's checkpoint always goes to the same node
 * (shard mod node count), so a reader never sees an older copy that replication has not yet
 * overwritten.
 */
public final class CheckpointStore {
  public static final String TABLE = "SyncCheckpoint";

  private final HarperClient client;
  private final String database;
  private final RetryPolicy retry;

  public CheckpointStore(HarperClient client, String database, RetryPolicy retry) {
    this.client = client;
    this.database = database;
    this.retry = retry;
  }

  private int slotOf(int shard) {
    return shard % client.connection().nodeCount();
  }

  public Optional<ShardCheckpoint> read(String syncName, int shardCount, int shard) {
    String key = ShardCheckpoint.key(syncName, shardCount, shard);
    return retry
        .run(() -> client.getById(slotOf(shard), database, TABLE, key),
            HarperException::isRetriable, () -> {})
        .map(ShardCheckpoint::fromJson);
  }

  public void write(ShardCheckpoint checkpoint) {
    retry.run(
        () -> client.upsert(slotOf(checkpoint.shard()), database, TABLE, List.of(checkpoint.toJson())),
        HarperException::isRetriable, () -> {});
  }
}
