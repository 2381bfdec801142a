package io.bqharpersync.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.bqharpersync.audit.ContentAudit;
import io.bqharpersync.checkpoint.CheckpointStore;
import io.bqharpersync.checkpoint.ShardCheckpoint;
import io.bqharpersync.harper.DeadLetter;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.harper.HarperException;
import io.bqharpersync.harper.LiveNodes;
import io.bqharpersync.pipeline.PipelineFile;
import io.bqharpersync.pipeline.SyncConfig;
import io.bqharpersync.pipeline.SyncTables;
import io.bqharpersync.retry.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * {@code scripts/status}: what a sync's state in Harper says, read from whichever nodes answer
 * (neither BigQuery nor the job is contacted), with alerts at settable thresholds. Exit 0 when no
 * alert fires, 1 when one does or no node answers, 2 on a configuration error; {@code --json} for
 * machines.
 */
public final class SyncStatus {
  /** The stretch of history the rate is taken over. */
  private static final Duration RATE_WINDOW = Duration.ofMinutes(1);

  private SyncStatus() {}

  /** The sync's state as the nodes hold it now. */
  public static StatusReport read(SyncConfig config, HarperClient harper, Instant at) {
    String database = config.target().database();
    CheckpointStore store = new CheckpointStore(harper, database, RetryPolicy.defaults());
    List<StatusReport.Shard> shards = new ArrayList<>();
    for (int shard = 0; shard < config.reading().shards(); shard++) {
      ShardCheckpoint checkpoint = store.read(config.layout(), shard).orElse(null);
      shards.add(new StatusReport.Shard(shard, checkpoint,
          checkpoint == null ? null : rowsPerSecond(harper, database, checkpoint, at)));
    }
    AtomicLong deadLetters = new AtomicLong();
    AtomicReference<Instant> newest = new AtomicReference<>();
    onAnyNode(harper, slot -> {
      deadLetters.set(0);
      DeadLetter.scan(harper, slot, database, config.syncName(), letter -> {
        deadLetters.incrementAndGet();
        Instant failed = Instant.parse(letter.path("failedAt").asText());
        newest.accumulateAndGet(failed, (a, b) -> a == null || b.isAfter(a) ? b : a);
      });
    });
    Map<String, StatusReport.Audit> lastAudits = new TreeMap<>();
    onAnyNode(harper, slot -> harper.scan(slot, database, ContentAudit.AUDIT_TABLE, "id",
        config.syncName() + "/node", 1000, row -> {
          StatusReport.Audit audit = audit(row);
          lastAudits.merge(audit.node(), audit, (a, b) -> b.at().isAfter(a.at()) ? b : a);
        }));
    return new StatusReport(config.syncName(), at, shards, deadLetters.get(), newest.get(),
        new ArrayList<>(lastAudits.values()));
  }

  private static StatusReport.Audit audit(JsonNode row) {
    return new StatusReport.Audit(row.path("node").asText(),
        Instant.parse(row.path("timestamp").asText()), row.path("status").asText(),
        row.path("missing").asLong(), row.path("stale").asLong(), row.path("extra").asLong(),
        row.path("repaired").asLong());
  }

  /**
   * Rows committed per second since the shard's oldest history row of the last minute (a few
   * rows read by key, not the whole history); null when there is none.
   */
  private static Double rowsPerSecond(HarperClient harper, String database,
      ShardCheckpoint checkpoint, Instant at) {
    String key = checkpoint.key() + "@";
    String after = key + at.minus(RATE_WINDOW).toEpochMilli();
    List<JsonNode> rows = new ArrayList<>();
    onAnyNode(harper, slot -> {
      rows.clear();
      rows.addAll(harper.pageAfter(slot, database, CheckpointStore.HISTORY, "id", after, 1));
    });
    if (rows.isEmpty() || !rows.get(0).path("id").asText().startsWith(key)) {
      return null;
    }
    ShardCheckpoint from = ShardCheckpoint.fromJson(rows.get(0));
    double seconds = Duration.between(from.updatedAt(), at).toMillis() / 1000.0;
    return seconds <= 0 ? null : (checkpoint.recordsSynced() - from.recordsSynced()) / seconds;
  }

  /** Runs {@code read} against the first node that answers. */
  static void onAnyNode(HarperClient harper, IntConsumer read) {
    HarperException.Retriable unreachable = null;
    for (int slot = 0; slot < harper.connection().nodeCount(); slot++) {
      try {
        read.accept(slot);
        return;
      } catch (HarperException.Retriable e) {
        if (!LiveNodes.isUnreachable(e)) {
          throw e;
        }
        unreachable = e;
      }
    }
    throw unreachable;
  }

  public static void main(String[] args) {
    StatusOptions options;
    List<SyncConfig> tables;
    StatusReport.Thresholds limits;
    try {
      options = PipelineFile.options(args, StatusOptions.class);
      limits = StatusReport.Thresholds.from(options);
      tables = SyncTables.configs(options);
    } catch (IllegalArgumentException e) {
      System.err.println("configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    List<StatusReport> reports = new ArrayList<>();
    Instant now = Instant.now();
    for (SyncConfig table : tables) {
      try (HarperClient harper = new HarperClient(table.target().connection())) {
        reports.add(read(table, harper, now));
      } catch (HarperException e) {
        System.out.println("ALERT: no Harper node answered"
            + (tables.size() > 1 ? " for " + table.syncName() : "") + ": " + e.getMessage());
        System.exit(1);
        return;
      }
    }
    boolean alert = false;
    ArrayNode json = JsonNodeFactory.instance.arrayNode();
    for (StatusReport report : reports) {
      alert |= !report.alerts(limits).isEmpty();
      if (options.getJson()) {
        json.add(report.json(limits));
      } else {
        System.out.print(report.text(limits));
      }
    }
    if (options.getJson()) {
      // One table: its report; several: {"tables": [one report per table]}.
      System.out.println(reports.size() == 1 ? json.get(0).toString()
          : JsonNodeFactory.instance.objectNode().set("tables", json).toString());
    }
    System.exit(alert ? 1 : 0);
  }
}
