package io.bqharpersync.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqharpersync.audit.ContentAudit;
import io.bqharpersync.checkpoint.CheckpointStore;
import io.bqharpersync.checkpoint.ShardCheckpoint;
import io.bqharpersync.harper.DeadLetter;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.harper.HarperException;
import io.bqharpersync.pipeline.PipelineFile;
import io.bqharpersync.pipeline.SyncConfig;
import io.bqharpersync.pipeline.SyncTables;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/**
 * {@code scripts/report}: one self-contained HTML page of what each table's sync has done, read
 * from whichever Harper nodes answer: rows/s and lag over time per shard (from the progress
 * history the job keeps), phases, dead letters and the audit history, and the status with its
 * alerts. The page draws its plots itself from the data it carries; it loads nothing.
 */
public final class SyncReport {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TEMPLATE = "/io/bqharpersync/status/report.html";

  /** Options of {@code scripts/report}: the status options, and where the page goes. */
  public interface Options extends StatusOptions {
    @Description("The HTML file to write.")
    @Default.String("report.html")
    String getOut();

    void setOut(String value);
  }

  private SyncReport() {}

  /** Everything the page shows of one table's sync, as the page's script reads it. */
  public static ObjectNode tableData(SyncConfig config, HarperClient harper, Instant at,
      StatusReport.Thresholds limits) {
    String database = config.target().database();
    ObjectNode table = JSON.createObjectNode();
    table.put("syncName", config.syncName());
    table.put("source", config.source().table());
    table.put("target", database + "." + config.target().table());
    table.put("shards", config.reading().shards());
    ArrayNode history = table.putArray("history");
    for (ShardCheckpoint point : history(harper, database, config)) {
      ObjectNode row = history.addObject();
      row.put("shard", point.shard());
      row.put("at", point.updatedAt().toEpochMilli());
      row.put("rows", point.recordsSynced());
      row.put("lagMs", point.cursor().isStart() ? 0
          : Math.max(0, point.updatedAt().toEpochMilli() - point.cursor().timestamp().toEpochMilli()));
      row.put("phase", point.phase().label());
    }
    List<JsonNode> letters = new ArrayList<>();
    SyncStatus.onAnyNode(harper, slot -> {
      letters.clear();
      DeadLetter.scan(harper, slot, database, config.syncName(), letters::add);
    });
    letters.sort(Comparator.comparing(letter -> letter.path("failedAt").asText()));
    ArrayNode deadLetters = table.putArray("deadLetters");
    for (JsonNode letter : letters) {
      deadLetters.addObject()
          .put("at", Instant.parse(letter.path("failedAt").asText()).toEpochMilli())
          .put("sourceId", letter.path("sourceId").asText())
          .put("shard", letter.path("shard").asInt())
          .put("reason", letter.path("reason").asText());
    }
    Map<String, JsonNode> audits = new TreeMap<>();
    SyncStatus.onAnyNode(harper, slot -> harper.scan(slot, database, ContentAudit.AUDIT_TABLE,
        "id", config.syncName() + "/node", 1000, row -> audits.put(row.path("id").asText(), row)));
    ArrayNode auditRows = table.putArray("audits");
    audits.values().stream()
        .sorted(Comparator.comparing(row -> row.path("timestamp").asText()))
        .forEach(row -> auditRows.addObject()
            .put("at", Instant.parse(row.path("timestamp").asText()).toEpochMilli())
            .put("node", row.path("node").asText())
            .put("status", row.path("status").asText())
            .put("missing", row.path("missing").asLong())
            .put("stale", row.path("stale").asLong())
            .put("extra", row.path("extra").asLong())
            .put("repaired", row.path("repaired").asLong()));
    StatusReport status = SyncStatus.read(config, harper, at);
    table.put("statusText", status.text(limits));
    ArrayNode alerts = table.putArray("alerts");
    status.alerts(limits).forEach(alerts::add);
    return table;
  }

  /** The sync's progress history, oldest first, from the first node that answers. */
  public static List<ShardCheckpoint> history(HarperClient harper, String database, SyncConfig config) {
    List<ShardCheckpoint> points = new ArrayList<>();
    String prefix = config.layout().key(0);
    String layoutPrefix = prefix.substring(0, prefix.lastIndexOf('/') + 1);
    SyncStatus.onAnyNode(harper, slot -> {
      points.clear();
      harper.scan(slot, database, CheckpointStore.HISTORY, "id", layoutPrefix, 1000,
          row -> points.add(ShardCheckpoint.fromJson(row)));
    });
    points.sort(Comparator.comparing(ShardCheckpoint::updatedAt));
    return points;
  }

  /** The page: the template with the data in place. */
  public static String page(ArrayNode tables, Instant at) {
    ObjectNode data = JSON.createObjectNode();
    data.put("generatedAt", at.toString());
    data.set("tables", tables);
    // Inside a <script> element nothing may close it: "</" is written "<\/", which JSON allows.
    String json = data.toString().replace("</", "<\\/");
    try (InputStream template = SyncReport.class.getResourceAsStream(TEMPLATE)) {
      if (template == null) {
        throw new IllegalStateException("the report template " + TEMPLATE + " is not on the class path");
      }
      return new String(template.readAllBytes(), StandardCharsets.UTF_8)
          .replace("/*REPORT_DATA*/null", json);
    } catch (IOException e) {
      throw new IllegalStateException("the report template cannot be read", e);
    }
  }

  public static void main(String[] args) {
    Options options;
    List<SyncConfig> tables;
    StatusReport.Thresholds limits;
    try {
      options = PipelineFile.options(args, Options.class);
      limits = StatusReport.Thresholds.from(options);
      tables = SyncTables.configs(options);
    } catch (IllegalArgumentException e) {
      System.err.println("configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    Instant now = Instant.now();
    ArrayNode data = JSON.createArrayNode();
    for (SyncConfig table : tables) {
      try (HarperClient harper = new HarperClient(table.target().connection())) {
        data.add(tableData(table, harper, now, limits));
      } catch (HarperException e) {
        System.err.println("no Harper node answered for " + table.syncName() + ": "
            + e.getMessage());
        System.exit(1);
        return;
      }
    }
    Path out = Path.of(options.getOut());
    try {
      Files.writeString(out, page(data, now));
    } catch (IOException e) {
      System.err.println("--out: cannot write " + out + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    System.out.println("report of " + tables.size() + " table(s) written to "
        + out.toAbsolutePath());
  }
}
