package io.bqharpersync.audit;

import io.bqharpersync.checkpoint.CheckpointStore;
import io.bqharpersync.checkpoint.ShardCheckpoint;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.pipeline.PipelineFile;
import io.bqharpersync.pipeline.Preflight;
import io.bqharpersync.pipeline.SyncConfig;
import io.bqharpersync.pipeline.SyncTables;
import io.bqharpersync.pipeline.SyncOptions;
import io.bqharpersync.retry.RetryPolicy;
import io.bqharpersync.source.BigQueryShardReader;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/**
 * {@code scripts/drift-check}: a {@link ContentAudit} of every node over every row the sync has
 * committed, that is every key whose newest row is older than the lowest committed cursor of the
 * sync's shards; with {@code --repair}, the keys a node lacks or holds stale are rewritten there.
 * Exit 0 when every node matches the source (after any repair), 1 on drift, 2 on a configuration
 * error.
 *
 * <p>Why it exists: Harper 4.7.29's replication was seen to leave a restarted node without a few
 * hundred records, and a running node without one upsert transaction, with every connection
 * reported as connected.
 */
public final class DriftCheck {
  /** Options of the command-line tool: the sync's own, plus these. */
  public interface Options extends SyncOptions {
    @Description("Rewrite, on the node that lacks them, the keys a node lacks or holds stale.")
    @Default.Boolean(false)
    boolean getRepair();

    void setRepair(boolean value);
  }

  private DriftCheck() {}

  /** The end of what the sync has committed: its shards' lowest cursor, if every shard has one. */
  public static Optional<Instant> committedUntil(SyncConfig config, HarperClient harper) {
    CheckpointStore store =
        new CheckpointStore(harper, config.target().database(), RetryPolicy.defaults());
    Instant lowest = null;
    for (int shard = 0; shard < config.reading().shards(); shard++) {
      Optional<ShardCheckpoint> checkpoint = store.read(config.layout(), shard);
      if (checkpoint.isEmpty() || checkpoint.get().cursor().isStart()) {
        return Optional.empty();
      }
      Instant at = checkpoint.get().cursor().timestamp();
      lowest = lowest == null || at.isBefore(lowest) ? at : lowest;
    }
    return Optional.ofNullable(lowest);
  }

  public static void main(String[] args) {
    Options options;
    List<SyncConfig> tables;
    try {
      options = PipelineFile.options(args, Options.class);
      tables = Preflight.checkAll(SyncTables.configs(options));
    } catch (IllegalArgumentException e) {
      System.err.println("configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    boolean ok = true;
    for (SyncConfig table : tables) {
      ok &= check(table, options.getRepair());
    }
    System.out.println(ok ? "RESULT: no drift" : "RESULT: DRIFT");
    System.exit(ok ? 0 : 1);
  }

  /** Audits one table's sync, printing each node's result; whether every node was clean. */
  private static boolean check(SyncConfig config, boolean repair) {
    BigQueryShardReader reader = new BigQueryShardReader(
        config.source().client(), RetryPolicy.defaults(), () -> {});
    boolean ok = true;
    try (HarperClient harper = new HarperClient(config.target().connection())) {
      Optional<Instant> until = committedUntil(config, harper);
      if (until.isEmpty()) {
        System.out.println("drift check: some shard of " + config.syncName()
            + " has committed nothing yet; nothing to compare");
      } else {
        AuditWindow window = new AuditWindow(null, until.get());
        System.out.println("drift check of " + config.syncName() + ": keys whose newest row is in "
            + window);
        ContentAudit audit = new ContentAudit(config, reader, harper);
        for (NodeAudit node : audit.run(window, repair)) {
          System.out.println("  " + node);
          ok &= node.ok();
        }
      }
    }
    return ok;
  }
}
