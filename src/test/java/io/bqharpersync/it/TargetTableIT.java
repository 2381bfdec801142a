package io.bqharpersync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableInfo;
import io.bqharpersync.bqlocal.RunningStandIn;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.audit.AuditSettings;
import io.bqharpersync.audit.AuditWindow;
import io.bqharpersync.audit.ContentAudit;
import io.bqharpersync.audit.DriftCheck;
import io.bqharpersync.audit.NodeAudit;
import io.bqharpersync.pipeline.Preflight;
import io.bqharpersync.pipeline.SyncConfig;
import io.bqharpersync.pipeline.SyncPipeline;
import io.bqharpersync.retry.RetryPolicy;
import io.bqharpersync.source.BigQueryShardReader;
import io.bqharpersync.tools.TelemetryGenerator;
import io.bqharpersync.record.Micros;
import io.bqharpersync.tools.ClusterVerifier;
import io.bqharpersync.tools.LocalHarperCluster;
import io.bqharpersync.tools.SourceSnapshot;
import io.bqharpersync.tools.TelemetryTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A sync into a Harper table that does not exist yet: the job creates it on every node from the
 * BigQuery schema, with the README's type mapping, and every node then holds the source exactly.
 */
class TargetTableIT {
  private static final Field.Mode REPEATED = Field.Mode.REPEATED;
  private static final long BEYOND_DOUBLE = (1L << 53) + 1;

  private static RunningStandIn bigquery;
  private static HarperClient harper;

  @BeforeAll
  static void start() throws Exception {
    bigquery = new RunningStandIn();
    harper = LocalHarperCluster.client();
  }

  @AfterAll
  static void stop() throws Exception {
    harper.close();
    bigquery.close();
  }

  /** Every type the reader converts, nested ones included. */
  private static Schema everyType() {
    return Schema.of(
        Field.of("id", StandardSQLTypeName.STRING),
        Field.of("timestamp", StandardSQLTypeName.TIMESTAMP),
        Field.of("count", StandardSQLTypeName.INT64),
        Field.of("ratio", StandardSQLTypeName.FLOAT64),
        Field.of("price", StandardSQLTypeName.NUMERIC),
        Field.of("huge", StandardSQLTypeName.BIGNUMERIC),
        Field.of("active", StandardSQLTypeName.BOOL),
        Field.of("day", StandardSQLTypeName.DATE),
        Field.of("localTime", StandardSQLTypeName.DATETIME),
        Field.of("clock", StandardSQLTypeName.TIME),
        Field.of("blob", StandardSQLTypeName.BYTES),
        Field.of("place", StandardSQLTypeName.GEOGRAPHY),
        Field.of("payload", StandardSQLTypeName.JSON),
        Field.of("owner", StandardSQLTypeName.STRUCT,
            Field.of("name", StandardSQLTypeName.STRING),
            Field.of("level", StandardSQLTypeName.INT64)),
        Field.newBuilder("tags", StandardSQLTypeName.STRING).setMode(REPEATED).build(),
        Field.newBuilder("points", StandardSQLTypeName.STRUCT,
            Field.of("x", StandardSQLTypeName.FLOAT64),
            Field.of("at", StandardSQLTypeName.TIMESTAMP)).setMode(REPEATED).build());
  }

  private static Map<String, Object> row(String id, int i, long micros) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("timestamp", micros / 1e6);
    if (i % 5 == 4) {
      return row; // every other column NULL
    }
    row.put("count", i == 0 ? BEYOND_DOUBLE : i * 7L);
    row.put("ratio", i == 1 ? "NaN" : i == 2 ? "-Infinity" : i / 4.0);
    row.put("price", i + ".125");
    row.put("huge", "123456789012345678901234567890." + i);
    row.put("active", i % 2 == 0);
    row.put("day", "2024-02-" + (10 + i % 18));
    row.put("localTime", "2024-02-10T12:34:56." + (100000 + i));
    row.put("clock", "23:59:" + (10 + i % 50));
    row.put("blob", java.util.Base64.getEncoder().encodeToString(("bytes-" + i).getBytes()));
    row.put("place", "POINT(" + i + " 52.5)");
    row.put("payload", "{\"n\":" + i + ",\"list\":[1,\"two\",null],\"deep\":{\"ok\":true}}");
    row.put("owner", Map.of("name", "owner-" + i, "level", i));
    row.put("tags", List.of("t" + i, "shared"));
    Map<String, Object> point = new HashMap<>();
    point.put("x", i * 1.5);
    point.put("at", micros / 1e6);
    row.put("points", List.of(point, Map.of("x", -1.0, "at", "2024-01-01 00:00:00.000001+00")));
    return row;
  }

  @Test
  void aMissingTargetTableIsCreatedOnEveryNodeWithMappedTypesAndHoldsTheSourceExactly()
      throws Exception {
    SyncFixture sync = new SyncFixture(bigquery.client, bigquery.server.endpoint(), "target-table");
    TableId table = TableId.of(sync.table.getProject(), sync.table.getDataset(),
        sync.table.getTable() + "_types");
    bigquery.client.create(TableInfo.of(table, StandardTableDefinition.of(everyType())));
    long start = Micros.now() - 3_600_000_000L;
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      rows.add(row(sync.name + "-" + i, i, start + i * 1_000_000L));
    }
    TelemetryTable.insert(bigquery.client, table, rows);
    String harperTable = "Types_" + sync.name.replaceAll("[^A-Za-z0-9]", "_");

    PipelineResult result = SyncPipeline.run(sync.options(true, sync.args("backfill", 3,
        "--sourceTable=" + TelemetryTable.qualifiedName(table),
        "--harperTable=" + harperTable)));
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());

    Map<String, String> expectedTypes = new TreeMap<>(Map.ofEntries(
        Map.entry("id", "String"), Map.entry("timestamp", "String"), Map.entry("count", "Any"),
        Map.entry("ratio", "Any"), Map.entry("price", "String"), Map.entry("huge", "String"),
        Map.entry("active", "Boolean"), Map.entry("day", "String"),
        Map.entry("localTime", "String"), Map.entry("clock", "String"),
        Map.entry("blob", "String"), Map.entry("place", "String"), Map.entry("payload", "Any"),
        Map.entry("owner", "Any"), Map.entry("tags", "Any"), Map.entry("points", "Any"),
        Map.entry("syncVersion", "String"), Map.entry("harperCreatedAt", "Float"),
        Map.entry("harperUpdatedAt", "Float")));
    for (int slot = 0; slot < harper.connection().nodeCount(); slot++) {
      JsonNode described = harper.operation(slot,
          HarperClient.operation("describe_table", SyncFixture.DB, harperTable));
      assertEquals("id", described.path("hash_attribute").asText(), "primary key on node " + slot);
      Map<String, String> types = new TreeMap<>();
      described.path("attributes").forEach(attribute ->
          types.put(attribute.path("attribute").asText(), attribute.path("type").asText()));
      assertEquals(expectedTypes, types, "attributes of the created table on node " + slot);
    }

    SourceSnapshot source = SourceSnapshot.read(bigquery.client, table, "id", "timestamp");
    assertEquals(40, source.rows.size());
    for (ClusterVerifier.NodeReport report : new ClusterVerifier(harper, SyncFixture.DB, harperTable)
        .verify(sync.name, source.rows.size(), source.rows::get, Duration.ofSeconds(30))) {
      assertTrue(report.ok(), "node differs from the source: " + report);
      assertEquals(40, report.read, "rows read from node " + report.slot);
    }
    for (int slot = 0; slot < harper.connection().nodeCount(); slot++) {
      JsonNode first = harper.getById(slot, SyncFixture.DB, harperTable, sync.name + "-0").orElseThrow();
      assertEquals(Long.toString(BEYOND_DOUBLE), first.path("count").asText(), "INT64 beyond 2^53");
      assertTrue(first.path("count").isTextual(), "INT64 beyond 2^53 is kept as text: " + first);
      assertEquals("owner-0", first.path("owner").path("name").asText());
      assertEquals("two", first.path("payload").path("list").get(1).asText());
      assertEquals("NaN", harper.getById(slot, SyncFixture.DB, harperTable, sync.name + "-1")
          .orElseThrow().path("ratio").asText());
      // Every row carries the write times SyncUpsert stamps, whichever node took its write.
      int s = slot;
      harper.scan(slot, SyncFixture.DB, harperTable, "id", sync.name, 100, held -> assertTrue(
          held.path("harperCreatedAt").asDouble() > 0 && held.path("harperUpdatedAt").asDouble() > 0,
          "write times on node " + s + ": " + held));
    }
  }

  @Test
  void aColumnAddedToTheSourceWhileTheSyncRunsReachesEveryNodeWithoutARestart() throws Exception {
    SyncFixture sync = new SyncFixture(bigquery.client, bigquery.server.endpoint(), "new-column");
    TelemetryGenerator rows = new TelemetryGenerator(sync.name);
    TelemetryTable.insert(bigquery.client, sync.table,
        rows.rows(0, 400, Micros.now() - 120_000_000L, 100_000L, 1));
    String harperTable = "Grows_" + sync.name.replaceAll("[^A-Za-z0-9]", "_");
    List<String> args = sync.args("continuous", 2, "--pollInterval=500ms", "--safetyLag=1s",
        "--lookback=30s", "--rescanInterval=2s", "--maxBufferingDuration=500ms",
        "--harperTable=" + harperTable);
    PipelineResult result = SyncPipeline.run(sync.options(false, args));
    try {
      assertEveryNodeEqualsSource(sync, harperTable, 400);

      Table before = bigquery.client.getTable(sync.table);
      List<Field> grown = new ArrayList<>(before.getDefinition().getSchema().getFields());
      grown.add(Field.of("site", StandardSQLTypeName.STRING));
      bigquery.client.update(before.toBuilder()
          .setDefinition(StandardTableDefinition.of(Schema.of(grown))).build());
      List<Map<String, Object>> arriving = rows.rows(400, 200, Micros.now(), 10_000L, 1);
      for (int i = 0; i < arriving.size(); i++) {
        arriving.get(i).put("site", "site-" + (400 + i));
      }
      Map<String, Object> moved = rows.row(900, Micros.now() + 3_000_000L);
      moved.put("id", rows.id(0));
      moved.put("site", "moved");
      arriving.add(moved);
      TelemetryTable.insert(bigquery.client, sync.table, arriving);

      // Every field of every row on every node, the new column included (NULL in older rows).
      assertEveryNodeEqualsSource(sync, harperTable, 600);
      for (int slot = 0; slot < harper.connection().nodeCount(); slot++) {
        assertEquals("site-450", harper.getById(slot, SyncFixture.DB, harperTable, rows.id(450))
            .orElseThrow().path("site").asText(), "node " + slot);
        assertEquals("moved", harper.getById(slot, SyncFixture.DB, harperTable, rows.id(0))
            .orElseThrow().path("site").asText(), "node " + slot);
      }
      assertFalse(result.getState().isTerminal(), "the sync carries on: " + result.getState());
    } finally {
      result.cancel();
    }

    // The rows written before the column existed keep their versions: a content audit of the
    // whole table finds every node up to date, nothing stale to rewrite.
    SyncConfig config = Preflight.check(SyncConfig.from(sync.options(true, args)));
    BigQueryShardReader reader =
        new BigQueryShardReader(bigquery.client, RetryPolicy.defaults(), () -> {});
    AuditWindow window =
        new AuditWindow(null, DriftCheck.committedUntil(config, harper).orElseThrow());
    ContentAudit audit = new ContentAudit(config.withAudit(new AuditSettings(Duration.ZERO,
        Duration.ofSeconds(10), config.syncName(), 200_000)), reader, harper);
    for (NodeAudit node : audit.run(window, false)) {
      assertTrue(node.sourceKeys >= 400, "the older rows are compared: " + node);
      assertEquals(0, node.missing.count() + node.stale.count() + node.extra.count(),
          "node " + node);
    }
  }

  private static void assertEveryNodeEqualsSource(SyncFixture sync, String harperTable,
      int expected) throws Exception {
    SourceSnapshot source = SourceSnapshot.read(bigquery.client, sync.table, "id", "timestamp");
    assertEquals(expected, source.rows.size());
    for (ClusterVerifier.NodeReport report : new ClusterVerifier(harper, SyncFixture.DB, harperTable)
        .verify(sync.name, expected, source.rows::get, Duration.ofSeconds(60))) {
      assertTrue(report.ok(), "node differs from the source: " + report);
    }
  }
}
