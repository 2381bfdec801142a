package io.bqharpersync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableInfo;
import io.bqharpersync.bqlocal.RunningStandIn;
import io.bqharpersync.harper.DeadLetter;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.harper.TableCreation;
import io.bqharpersync.pipeline.SyncPipeline;
import io.bqharpersync.record.Micros;
import io.bqharpersync.source.BigQueryRows;
import io.bqharpersync.tools.ClusterVerifier;
import io.bqharpersync.tools.LocalHarperCluster;
import io.bqharpersync.tools.SourceSnapshot;
import io.bqharpersync.tools.TelemetryGenerator;
import io.bqharpersync.tools.TelemetryTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;

/**
 * One job, two tables with different keys, cursors and shard counts, each into its own Harper
 * table: one table's rows arrive late, the other has a row without an id. Both end exact on every
 * node, and each table's dead letters are its own.
 */
class TwoTablesIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Schema orders() {
    return Schema.of(
        Field.of("orderId", StandardSQLTypeName.STRING),
        Field.of("updatedAt", StandardSQLTypeName.TIMESTAMP),
        Field.of("total", StandardSQLTypeName.NUMERIC),
        Field.of("status", StandardSQLTypeName.STRING));
  }

  private static Map<String, Object> order(String id, int version, long micros) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("orderId", id);
    row.put("updatedAt", BigQueryRows.timestampText(micros));
    row.put("total", version + ".50");
    row.put("status", "v" + version);
    return row;
  }

  @Test
  void bothTablesOfOneJobEndExactWithTheirOwnDeadLetters() throws Exception {
    try (RunningStandIn bigquery = new RunningStandIn();
        HarperClient harper = LocalHarperCluster.client()) {
      SyncFixture sync = new SyncFixture(bigquery.client, bigquery.server.endpoint(), "two-tables");
      TableId ordersTable = TableId.of(sync.table.getProject(), sync.table.getDataset(),
          sync.table.getTable() + "_orders");
      bigquery.client.create(TableInfo.of(ordersTable, StandardTableDefinition.of(orders())));
      String ordersHarper = "Orders_" + sync.name.replace('-', '_');
      String devicesHarper = "Devices_" + sync.name.replace('-', '_');
      long now = Micros.now();

      // Backlog: 300 orders, each updated 3 times, and 2,000 device readings.
      List<Map<String, Object>> backlog = new ArrayList<>();
      for (int i = 0; i < 900; i++) {
        backlog.add(order(sync.name + "-order-" + (i % 300), i / 300, now - 120_000_000L + i * 50_000L));
      }
      TelemetryTable.insert(bigquery.client, ordersTable, backlog);
      TelemetryGenerator devices = new TelemetryGenerator(sync.name);
      TelemetryTable.insert(bigquery.client, sync.table,
          devices.rows(0, 2_000, now - 120_000_000L, 50_000L, 2));

      ArrayNode tables = JSON.createArrayNode();
      tables.addObject()
          .put("sourceTable", TelemetryTable.qualifiedName(ordersTable))
          .put("idColumn", "orderId").put("cursorColumn", "updatedAt")
          .put("shards", 2).put("lookback", "30s")
          .put("harperTable", ordersHarper).put("syncName", sync.name + "-orders");
      tables.addObject()
          .put("sourceTable", sync.sourceTable())
          .put("shards", 3)
          .put("harperTable", devicesHarper).put("syncName", sync.name + "-devices");
      // A column one table does not have: the job stops before anything starts, naming the table.
      ArrayNode wrong = tables.deepCopy();
      ((com.fasterxml.jackson.databind.node.ObjectNode) wrong.get(1)).put("columns", "id,timestamp,nope");
      String[] pacing = {"--pollInterval=500ms", "--safetyLag=1s", "--rescanInterval=2s",
          "--nullTimestampScanInterval=2s", "--maxBufferingDuration=500ms"};
      IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(
          IllegalArgumentException.class, () -> SyncPipeline.run(sync.options(false,
              sync.args("continuous", 1, with(pacing, "--tables=" + wrong)))));
      assertTrue(refused.getMessage().startsWith("tables[1] (" + sync.sourceTable()
          + "): --columns: column 'nope'"), refused.getMessage());
      assertFalse(TableCreation.exists(harper, 0, SyncFixture.DB, ordersHarper),
          "every table is checked before the first is created");

      PipelineResult result = SyncPipeline.run(sync.options(false,
          sync.args("continuous", 1, with(pacing, "--tables=" + tables))));
      try {
        // Live: new orders and new versions of old ones, some stamped 10 s in the past after
        // the cursor has passed that time (late rows); device readings and one without an id.
        for (int round = 0; round < 5; round++) {
          long at = Micros.now();
          List<Map<String, Object>> live = new ArrayList<>();
          for (int i = 0; i < 40; i++) {
            live.add(order(sync.name + "-order-" + (round * 40 + i), 10 + round, at + i));
          }
          live.add(order(sync.name + "-order-late-" + round, 1, at - 10_000_000L));
          TelemetryTable.insert(bigquery.client, ordersTable, live);
          TelemetryTable.insert(bigquery.client, sync.table,
              devices.rows(10_000 + round * 100, 100, at, 1_000L, 1));
          Thread.sleep(1_000);
        }
        TelemetryTable.insert(bigquery.client, sync.table,
            List.of(devices.badRow(900_001, Micros.now(), TelemetryGenerator.Bad.NULL_ID, 0)));

        SourceSnapshot orderRows = SourceSnapshot.read(bigquery.client, ordersTable, "orderId",
            "updatedAt");
        assertEquals(305, orderRows.rows.size());
        for (ClusterVerifier.NodeReport node : new ClusterVerifier(harper, SyncFixture.DB,
            ordersHarper, "orderId").verify(sync.name, 305, orderRows.rows::get,
            Duration.ofSeconds(60))) {
          assertTrue(node.ok(), "orders: " + node);
        }
        SourceSnapshot deviceRows = SourceSnapshot.read(bigquery.client, sync.table, "id",
            "timestamp");
        assertEquals(2_500, deviceRows.rows.size());
        for (ClusterVerifier.NodeReport node : new ClusterVerifier(harper, SyncFixture.DB,
            devicesHarper).verify(sync.name, 2_500, deviceRows.rows::get,
            Duration.ofSeconds(60))) {
          assertTrue(node.ok(), "devices: " + node);
        }
        assertEquals(1, deadLetters(harper, sync.name + "-devices", Duration.ofSeconds(30)).size(),
            "the row without an id, under the devices sync");
        assertEquals(0, deadLetters(harper, sync.name + "-orders", Duration.ZERO).size(),
            "none under the orders sync");
        assertFalse(result.getState().isTerminal(), "the job carries on: " + result.getState());
      } finally {
        result.cancel();
      }
    }
  }

  private static String[] with(String[] options, String more) {
    String[] all = java.util.Arrays.copyOf(options, options.length + 1);
    all[options.length] = more;
    return all;
  }

  /** A sync's dead letters, once there is one or {@code wait} has passed. */
  private static List<JsonNode> deadLetters(HarperClient harper, String syncName, Duration wait)
      throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      Map<String, JsonNode> letters = new TreeMap<>();
      for (int slot = 0; slot < harper.connection().nodeCount(); slot++) {
        DeadLetter.scan(harper, slot, SyncFixture.DB, syncName,
            letter -> letters.put(letter.path("id").asText(), letter));
      }
      if (!letters.isEmpty() || System.nanoTime() >= deadline) {
        return new ArrayList<>(letters.values());
      }
      Thread.sleep(500);
    }
  }
}
