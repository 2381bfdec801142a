package io.bqharpersync.harper;

import static java.util.Objects.requireNonNull;

import io.bqharpersync.checkpoint.CommitCheckpointsFn;
import io.bqharpersync.checkpoint.ShardCheckpoint;
import io.bqharpersync.record.SyncRecord;
import io.bqharpersync.retry.RetryPolicy;
import java.util.regex.Pattern;
import org.apache.beam.sdk.transforms.GroupIntoBatches;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;

/**
 * Writes records into a Harper cluster and commits per-shard checkpoints behind them.
 *
 * <pre>{@code
 * PCollection<KV<Integer, SyncRecord>> bySlot = ...;   // key: node slot, see KeyByNodeSlot
 * PCollection<ShardCheckpoint> committed = bySlot.apply(
 *     HarperIO.write()
 *         .withConnection(HarperConnection.of(nodes, user, password))
 *         .withTable("data", "BigQueryData")
 *         .withCheckpoints("orders-sync", shardCount));
 * }</pre>
 *
 * <p><b>Guarantees.</b> Delivery is at least once and upserts are idempotent by primary key, so
 * the final content is exact. Every record is either upserted or written to {@code
 * SyncDeadLetter} with Harper's reason; none is dropped. A shard's checkpoint never passes a
 * record of that shard that is not yet handled (see {@code ContiguousPages}), so after a crash the
 * reader resumes from a point where nothing is missing.
 *
 * <p><b>Batching.</b> Records are grouped per node slot ({@link GroupIntoBatches}) up to the
 * policy's largest size or {@link Write#withMaxBufferingDuration}, whichever comes first; each
 * group is then upserted in requests of the size {@link BatchSizePolicy} gives for its lag.
 */
public final class HarperIO {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  private HarperIO() {}

  public static Write write() {
    return new Write(null, "data", null, null, 0, BatchSizePolicy.fixed(1000), Duration.standardSeconds(1),
        RetryPolicy.defaults());
  }

  /** See {@link HarperIO}. Immutable: each {@code withX} returns a new transform. */
  public static final class Write
      extends PTransform<PCollection<KV<Integer, SyncRecord>>, PCollection<ShardCheckpoint>> {
    private final HarperConnection connection;
    private final String database;
    private final String table;
    private final String syncName;
    private final int shardCount;
    private final BatchSizePolicy batchSize;
    private final Duration maxBufferingDuration;
    private final RetryPolicy retryPolicy;

    private Write(
        HarperConnection connection, String database, String table, String syncName,
        int shardCount, BatchSizePolicy batchSize, Duration maxBufferingDuration, RetryPolicy retryPolicy) {
      this.connection = connection;
      this.database = database;
      this.table = table;
      this.syncName = syncName;
      this.shardCount = shardCount;
      this.batchSize = batchSize;
      this.maxBufferingDuration = maxBufferingDuration;
      this.retryPolicy = retryPolicy;
    }

    public Write withConnection(HarperConnection connection) {
      requireNonNull(connection, "connection");
      return new Write(connection, database, table, syncName, shardCount, batchSize,
          maxBufferingDuration, retryPolicy);
    }

    public Write withTable(String database, String table) {
      return new Write(connection, identifier("database", database), identifier("table", table),
          syncName, shardCount, batchSize, maxBufferingDuration, retryPolicy);
    }

    /**
     * Names this sync's checkpoints: rows {@code syncName/shardCount/shard} of {@code
     * SyncCheckpoint}.
     */
    public Write withCheckpoints(String syncName, int shardCount) {
      if (syncName == null || !syncName.matches("[A-Za-z0-9_.-]{1,100}")) {
        throw new IllegalArgumentException(
            "syncName: 1-100 letters, digits, '_', '.' or '-', got '" + syncName + "'");
      }
      if (shardCount < 1) {
        throw new IllegalArgumentException("shardCount: must be >= 1, got " + shardCount);
      }
      return new Write(connection, database, table, syncName, shardCount, batchSize,
          maxBufferingDuration, retryPolicy);
    }

    /** A fixed number of records per upsert request. */
    public Write withMaxBatchSize(int maxBatchSize) {
      return withBatchSizePolicy(BatchSizePolicy.fixed(maxBatchSize));
    }

    /** Records per upsert request as a function of how far behind the batch is. */
    public Write withBatchSizePolicy(BatchSizePolicy policy) {
      requireNonNull(policy, "batchSizePolicy");
      return new Write(connection, database, table, syncName, shardCount, policy,
          maxBufferingDuration, retryPolicy);
    }

    /** How long a record may wait for its batch to fill; bounds latency when inflow is slow. */
    public Write withMaxBufferingDuration(java.time.Duration maxBuffering) {
      if (maxBuffering == null || maxBuffering.isNegative() || maxBuffering.isZero()) {
        throw new IllegalArgumentException(
            "maxBufferingDuration: must be positive, got " + maxBuffering);
      }
      return new Write(connection, database, table, syncName, shardCount, batchSize,
          Duration.millis(maxBuffering.toMillis()), retryPolicy);
    }

    public Write withRetryPolicy(RetryPolicy retryPolicy) {
      requireNonNull(retryPolicy, "retryPolicy");
      return new Write(connection, database, table, syncName, shardCount, batchSize,
          maxBufferingDuration, retryPolicy);
    }

    private static String identifier(String what, String value) {
      if (value == null || !IDENTIFIER.matcher(value).matches()) {
        throw new IllegalArgumentException(
            what + ": must be a Harper identifier ([A-Za-z_][A-Za-z0-9_]*), got '" + value + "'");
      }
      return value;
    }

    @Override
    public PCollection<ShardCheckpoint> expand(PCollection<KV<Integer, SyncRecord>> records) {
      if (connection == null) {
        throw new IllegalArgumentException("connection: HarperIO.write() needs withConnection(..)");
      }
      if (table == null) {
        throw new IllegalArgumentException("table: HarperIO.write() needs withTable(..)");
      }
      if (syncName == null) {
        throw new IllegalArgumentException("syncName: HarperIO.write() needs withCheckpoints(..)");
      }
      return records
          .apply("BatchPerNodeSlot",
              GroupIntoBatches.<Integer, SyncRecord>ofSize(batchSize.max())
                  .withMaxBufferingDuration(maxBufferingDuration))
          .apply("UpsertIntoOwningNode",
              ParDo.of(new WriteBatchFn(connection, database, table, syncName, batchSize,
                  retryPolicy)))
          .apply("CommitShardCheckpoints",
              ParDo.of(new CommitCheckpointsFn(connection, database, syncName, shardCount,
                  retryPolicy)));
    }

    @Override
    public String toString() {
      return "HarperIO.Write{" + connection + ", " + database + "." + table + ", sync=" + syncName
          + "/" + shardCount + ", batchSize=" + batchSize + ", " + retryPolicy + "}";
    }
  }
}
