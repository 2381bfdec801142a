package io.bqharpersync.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqharpersync.checkpoint.CheckpointStore;
import io.bqharpersync.checkpoint.ShardCheckpoint;
import io.bqharpersync.harper.DeadLetter;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.harper.HarperException;
import io.bqharpersync.options.DurationText;
import io.bqharpersync.pipeline.PipelineFile;
import io.bqharpersync.pipeline.Preflight;
import io.bqharpersync.pipeline.SyncConfig;
import io.bqharpersync.pipeline.SyncOptions;
import io.bqharpersync.record.Micros;
import io.bqharpersync.retry.RetryPolicy;
import io.bqharpersync.source.BigQueryRows;
import io.bqharpersync.source.BigQueryShardReader;
import io.bqharpersync.source.BucketDigest;
import io.bqharpersync.source.TableQueries;
import io.bqharpersync.source.SourceRow;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/**
 * Checks that every Harper node holds exactly the rows of the source that the sync has committed,
 * by content digests rather than estimated counts, and with {@code --repair} puts back what a
 * node lacks.
 *
 * <p>The checked range is every row with a timestamp before the lowest committed cursor of the
 * sync's shards: all of those must be in Harper, or in the dead letters. The source side is one
 * query, {@code COUNT(*)} and {@code BIT_XOR(FARM_FINGERPRINT(id))}; each node is read in full
 * (ids and cursors) and summarized the same way. Only a node whose digest differs costs more: the
 * source's ids are listed to name the missing and the extra rows, and a repair re-reads the
 * missing rows from BigQuery, an hour window at a time, and upserts them into that node (Harper
 * replicates them on; upserts are idempotent). Each node's outcome is written to {@code
 * SyncAudit}.
 *
 * <p>Why it exists: Harper 4.7.29's replication was seen to leave a restarted node without a few
 * hundred records that another node took while it was stopping.
 */
public final class DriftCheck {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final long HOUR_MICROS = 3_600_000_000L;

  /** Options of the command-line tool: the sync's own, plus these. */
  public interface Options extends SyncOptions {
    @Description("Upsert the rows a node lacks, re-read from BigQuery.")
    @Default.Boolean(false)
    boolean getRepair();

    void setRepair(boolean value);

    @Description("Compare only Harper rows whose id starts with this (a table shared by syncs).")
    @Default.String("")
    String getIdPrefix();

    void setIdPrefix(String value);

    @Description("How long a node that differs is read again before it counts as drifted: "
        + "replication is asynchronous, so rows committed just now may still be on their way.")
    @Default.String("30s")
    String getSettle();

    void setSettle(String value);
  }

  /** What one node held against the source. */
  public static final class NodeDrift {
    public final int slot;
    public long sourceRows;
    public long harperRows;
    public final List<String> missing = new ArrayList<>();
    public final List<String> extra = new ArrayList<>();
    public boolean repaired;

    NodeDrift(int slot) {
      this.slot = slot;
    }

    public boolean ok() {
      return missing.isEmpty() && extra.isEmpty();
    }

    String status() {
      return ok() ? (repaired ? "repaired" : "ok") : "drift";
    }

    @Override
    public String toString() {
      return "node " + slot + ": " + status() + ", source " + sourceRows + " rows, harper "
          + harperRows + ", missing " + missing.size() + ", extra " + extra.size()
          + (missing.isEmpty() ? "" : " e.g. missing " + missing.subList(0, Math.min(3, missing.size())))
          + (extra.isEmpty() ? "" : " e.g. extra " + extra.subList(0, Math.min(3, extra.size())));
    }
  }

  private final SyncConfig config;
  private final BigQueryShardReader reader;
  private final HarperClient harper;
  private final String idPrefix;
  private final Duration settle;
  private final TableQueries query;

  public DriftCheck(SyncConfig config, BigQueryShardReader reader, HarperClient harper,
      String idPrefix, Duration settle) {
    this.config = config;
    this.reader = reader;
    this.harper = harper;
    this.idPrefix = idPrefix;
    this.settle = settle;
    this.query = config.source().queries();
  }

  /** The end of the checked range: the lowest committed cursor's timestamp, if every shard has one. */
  public Optional<Instant> checkedUntil() {
    CheckpointStore store = new CheckpointStore(harper, config.target().database(), RetryPolicy.defaults());
    Instant lowest = null;
    for (int shard = 0; shard < config.reading().shards(); shard++) {
      Optional<ShardCheckpoint> checkpoint = store.read(config.layout(), shard);
      if (checkpoint.isEmpty() || checkpoint.get().cursor().isStart()) {
        return Optional.empty();
      }
      Instant at = checkpoint.get().cursor().timestamp();
      lowest = lowest == null || at.isBefore(lowest) ? at : lowest;
    }
    return Optional.of(lowest);
  }

  public List<NodeDrift> run(Instant upper, boolean repair) {
    BucketDigest source = reader.digestBefore(query, upper);
    Set<String> deadLettered = deadLetteredBefore(upper);
    Map<String, Long> sourceIds = null;
    List<NodeDrift> report = new ArrayList<>();
    for (int slot = 0; slot < harper.connection().nodeCount(); slot++) {
      NodeDrift drift = new NodeDrift(slot);
      drift.sourceRows = source.count();
      long deadline = System.nanoTime() + settle.toNanos();
      Set<String> held = idsBefore(slot, upper);
      while (!digestOf(held, deadLettered).equals(source) && System.nanoTime() < deadline) {
        sleep(Duration.ofSeconds(1));
        held = idsBefore(slot, upper);
      }
      drift.harperRows = held.size();
      if (!digestOf(held, deadLettered).equals(source)) {
        if (sourceIds == null) {
          sourceIds = new HashMap<>();
          for (SourceRow row : reader.idsBefore(query, upper)) {
            sourceIds.put(row.id(), row.timestampMicros());
          }
        }
        compare(drift, sourceIds, held, deadLettered);
        if (repair && !drift.missing.isEmpty()) {
          upsertFromSource(slot, drift.missing, sourceIds);
          held = idsBefore(slot, upper);
          drift.harperRows = held.size();
          drift.missing.clear();
          drift.extra.clear();
          compare(drift, sourceIds, held, deadLettered);
          drift.repaired = true;
        }
      }
      audit(drift, upper);
      report.add(drift);
    }
    return report;
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private void compare(NodeDrift drift, Map<String, Long> sourceIds, Set<String> held,
      Set<String> deadLettered) {
    for (String id : sourceIds.keySet()) {
      if (!held.contains(id) && !deadLettered.contains(id)) {
        drift.missing.add(id);
      }
    }
    for (String id : held) {
      if (!sourceIds.containsKey(id)) {
        drift.extra.add(id);
      }
    }
    drift.missing.sort(null);
    drift.extra.sort(null);
  }

  /** Ids on a node whose cursor is before {@code upper}. */
  private Set<String> idsBefore(int slot, Instant upper) {
    String upperText = BigQueryRows.timestampText(Micros.of(upper));
    Set<String> ids = new HashSet<>();
    harper.scan(slot, config.target().database(), config.target().table(), config.source().idColumn(), idPrefix, 5000,
        row -> {
          // Synced timestamps are ISO-8601 with six fractional digits, so text order is time order.
          String cursor = row.path(config.source().cursorColumn()).asText("");
          if (!cursor.isEmpty() && cursor.compareTo(upperText) < 0) {
            ids.add(row.path(config.source().idColumn()).asText());
          }
        });
    return ids;
  }

  private static BucketDigest digestOf(Set<String> held, Set<String> deadLettered) {
    BucketDigest digest = BucketDigest.EMPTY;
    for (String id : held) {
      digest = digest.plus(id);
    }
    for (String id : deadLettered) {
      if (!held.contains(id)) {
        digest = digest.plus(id);
      }
    }
    return digest;
  }

  /** Ids of rows this sync dead-lettered (Harper refused them) with a cursor before {@code upper}. */
  private Set<String> deadLetteredBefore(Instant upper) {
    String upperText = BigQueryRows.timestampText(Micros.of(upper));
    Set<String> ids = new HashSet<>();
    DeadLetter.scan(harper, 0, config.target().database(), config.syncName(), letter -> {
      String sourceId = letter.path("sourceId").asText("");
      if (!sourceId.isEmpty() && !letter.path("sourceId").isNull()) {
        try {
          String cursor = MAPPER.readTree(letter.path("rawRow").asText()).path(config.source().cursorColumn()).asText("");
          if (!cursor.isEmpty() && cursor.compareTo(upperText) < 0) {
            ids.add(sourceId);
          }
        } catch (IOException unreadable) {
          // A raw row that is not JSON has no cursor to place it by; it is not counted.
        }
      }
    });
    return ids;
  }

  /** Re-reads the missing rows from BigQuery, an hour window at a time, into node {@code slot}. */
  private void upsertFromSource(int slot, List<String> missing, Map<String, Long> sourceIds) {
    TreeMap<Long, Set<String>> byHour = new TreeMap<>();
    for (String id : missing) {
      byHour.computeIfAbsent(Math.floorDiv(sourceIds.get(id), HOUR_MICROS), h -> new HashSet<>()).add(id);
    }
    for (Map.Entry<Long, Set<String>> hour : byHour.entrySet()) {
      long lower = hour.getKey() * HOUR_MICROS;
      List<String> records = new ArrayList<>();
      for (SourceRow row : reader.window(query, Micros.toInstant(lower),
          Micros.toInstant(lower + HOUR_MICROS - 1))) {
        if (hour.getValue().contains(row.id())) {
          records.add(row.json().toString());
        }
      }
      for (int from = 0; from < records.size(); from += 1000) {
        List<String> batch = records.subList(from, Math.min(records.size(), from + 1000));
        RetryPolicy.defaults().run(() -> harper.upsert(slot, config.target().database(), config.target().table(), batch),
            HarperException::isRetriable, () -> {});
      }
    }
  }

  private void audit(NodeDrift drift, Instant upper) {
    Instant now = Instant.now();
    ObjectNode row = MAPPER.createObjectNode();
    row.put("id", config.syncName() + "/node" + drift.slot + "/" + now);
    row.put("timestamp", now.toString());
    row.put("syncName", config.syncName());
    row.put("shard", -1);
    row.put("sourceCount", drift.sourceRows);
    row.put("harperCount", drift.harperRows);
    row.put("delta", drift.harperRows - drift.sourceRows);
    row.put("status", drift.status() + " (rows before " + upper + ", node "
        + harper.connection().node(drift.slot) + ")");
    harper.upsert(drift.slot, config.target().database(), "SyncAudit", List.of(row.toString()));
  }

  public static void main(String[] args) {
    Options options;
    SyncConfig config;
    try {
      options = PipelineFile.options(args, Options.class);
      config = Preflight.check(SyncConfig.from(options));
    } catch (IllegalArgumentException e) {
      System.err.println("configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    BigQueryShardReader reader = new BigQueryShardReader(
        config.source().client(), RetryPolicy.defaults(), () -> {});
    boolean ok = true;
    try (HarperClient harper = new HarperClient(config.target().connection())) {
      DriftCheck check = new DriftCheck(config, reader, harper, options.getIdPrefix(),
          DurationText.parse("settle", options.getSettle()));
      Optional<Instant> until = check.checkedUntil();
      if (until.isEmpty()) {
        System.out.println("drift check: some shard of " + config.syncName()
            + " has committed nothing yet; nothing to compare");
      } else {
        System.out.println("drift check of " + config.syncName() + ": rows before " + until.get());
        for (NodeDrift drift : check.run(until.get(), options.getRepair())) {
          System.out.println("  " + drift);
          ok &= drift.ok();
        }
      }
    }
    System.out.println(ok ? "RESULT: no drift" : "RESULT: DRIFT");
    System.exit(ok ? 0 : 1);
  }
}
