package io.bqharpersync.it;

import io.bqharpersync.tools.LocalHarperCluster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryParameterValue;
import io.bqharpersync.bqlocal.RunningStandIn;
import io.bqharpersync.checkpoint.ShardCheckpoint;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.harper.TableCreation;
import io.bqharpersync.tools.ClusterVerifier;
import io.bqharpersync.tools.SourceSnapshot;
import io.bqharpersync.tools.TelemetryGenerator;
import io.bqharpersync.tools.TelemetryTable;
import io.bqharpersync.bqlocal.FaultPlan;
import io.bqharpersync.pipeline.Preflight;
import io.bqharpersync.pipeline.SyncConfig;
import io.bqharpersync.pipeline.SyncPipeline;
import io.bqharpersync.source.ReadShardFn;
import io.bqharpersync.record.Cursor;
import io.bqharpersync.record.Micros;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableInfo;
import org.junit.jupiter.api.Test;

/** The sync job on the DirectRunner: BigQuery stand-in (real client, over HTTP) to the real 3-node Harper cluster. */
class SyncPipelineIT {
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

  private static long nowMicros() {
    return Micros.now();
  }

  private static void assertEveryNodeEqualsSource(SyncFixture sync, Duration settle) throws Exception {
    SourceSnapshot source = SourceSnapshot.read(bigquery.client, sync.table, "id", "timestamp");
    for (ClusterVerifier.NodeReport report : SyncFixture.verify(harper, source, sync.name, settle)) {
      assertTrue(report.ok(), "node differs from the source: " + report);
      assertEquals(source.rows.size(), report.read, "rows read from node " + report.slot);
    }
  }

  @Test
  void backfillCopiesEveryRowToEveryNodeAndCheckpointsEachShardAtItsLastCursor() throws Exception {
    SyncFixture sync = new SyncFixture(bigquery.client, bigquery.server.endpoint(), "backfill");
    TelemetryGenerator rows = new TelemetryGenerator(sync.name);
    int count = 50_000;
    int shards = 4;
    // Three rows per timestamp, so pages end inside groups of ties.
    TelemetryTable.insert(bigquery.client, sync.table,
        rows.rows(0, count, nowMicros() - 3_600_000_000L, 20_000, 3));

    PipelineResult result = SyncPipeline.run(
        sync.options(true, sync.args("backfill", shards, "--pageRows=2000")));
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish());

    assertEveryNodeEqualsSource(sync, Duration.ofSeconds(60));
    long synced = 0;
    for (int shard = 0; shard < shards; shard++) {
      ShardCheckpoint checkpoint = sync.checkpoint(harper, shards, shard).orElseThrow();
      assertEquals(lastCursorInSource(sync, shard, shards), checkpoint.cursor(), "shard " + shard);
      synced += checkpoint.recordsSynced();
    }
    assertEquals(count, synced, "records counted by the checkpoints");
  }

  /** The greatest (timestamp, id) of a shard, asked of BigQuery with the shard predicate. */
  private static Cursor lastCursorInSource(SyncFixture sync, int shard, int shards) throws Exception {
    List<FieldValueList> last = bigquery.query(
        "SELECT id, UNIX_MICROS(timestamp) AS micros FROM `" + sync.sourceTable() + "`"
            // The default partition expression, TIMESTAMP_MICROS.
            + " WHERE MOD(ABS(FARM_FINGERPRINT(CAST(UNIX_MICROS(timestamp) AS STRING))), @n) = @k"
            + " ORDER BY timestamp DESC, id DESC LIMIT 1",
        Map.of("n", QueryParameterValue.int64((long) shards),
            "k", QueryParameterValue.int64((long) shard)));
    return Cursor.of(last.get(0).get("micros").getLongValue(), last.get(0).get("id").getStringValue());
  }

  @Test
  void continuousSyncDeliversNewTiedAndLateRowsAndDeadLettersBadOnes() throws Exception {
    SyncFixture sync = new SyncFixture(bigquery.client, bigquery.server.endpoint(), "continuous");
    TelemetryGenerator rows = new TelemetryGenerator(sync.name);
    TelemetryTable.insert(bigquery.client, sync.table,
        rows.rows(0, 5_000, nowMicros() - 600_000_000L, 10_000, 2));

    PipelineResult result = SyncPipeline.run(sync.options(false, sync.args("continuous", 3,
        "--pollInterval=500ms", "--safetyLag=1s", "--lookback=30s", "--rescanInterval=2s",
        "--nullTimestampScanInterval=2s",
        "--maxBufferingDuration=500ms")));
    try {
      // 300 rows/s for 10 s, four to a timestamp, one in 40 stamped 10 s in the past.
      long inserted = rows.insertAtRate(bigquery.client, sync.table, 5_000, 300,
          Duration.ofSeconds(10), 4, 40, Duration.ofSeconds(10));
      List<Map<String, Object>> bad = new ArrayList<>();
      bad.add(rows.badRow(900_001, nowMicros(), TelemetryGenerator.Bad.NULL_ID, 0));
      bad.add(rows.badRow(900_002, nowMicros(), TelemetryGenerator.Bad.NULL_ID, 0));
      bad.add(rows.badRow(900_003, nowMicros(), TelemetryGenerator.Bad.NULL_TIMESTAMP, 0));
      bad.add(rows.badRow(900_004, nowMicros(), TelemetryGenerator.Bad.NULL_TIMESTAMP, 0));
      TelemetryTable.insert(bigquery.client, sync.table, bad);
      // A late row well inside the lookback, after the cursor has passed its time.
      TelemetryTable.insert(bigquery.client, sync.table,
          List.of(rows.row(900_005, nowMicros() - 20_000_000L)));
      assertTrue(inserted > 2_500, "rows inserted during the run: " + inserted);

      // The bound: every row on every node within 30 s of the last insert.
      assertEveryNodeEqualsSource(sync, Duration.ofSeconds(30));
      List<JsonNode> deadLetters = awaitDeadLetters(sync, 4, Duration.ofSeconds(30));
      long missingId = deadLetters.stream()
          .filter(d -> d.path("reason").asText().contains("primary key")).count();
      long missingTimestamp = deadLetters.stream()
          .filter(d -> d.path("reason").asText().contains("cursor timestamp")).count();
      assertEquals(2, missingId, "dead letters for a missing id: " + deadLetters);
      assertEquals(2, missingTimestamp, "dead letters for a missing timestamp: " + deadLetters);
      assertFalse(result.getState().isTerminal(), "the sync carries on: " + result.getState());
      assertTrue(SyncFixture.counter(result, ReadShardFn.class, "rescanned_rows") > 0,
          "late rows came through the trailing re-scan");
    } finally {
      result.cancel();
    }
  }

  private List<JsonNode> awaitDeadLetters(SyncFixture sync, int expected, Duration bound)
      throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    List<JsonNode> letters = sync.deadLetters(harper);
    while (letters.size() < expected && System.nanoTime() < deadline) {
      Thread.sleep(500);
      letters = sync.deadLetters(harper);
    }
    return letters;
  }

  @Test
  void backfillRidesOutBigQueryRateLimitsAndBackendErrors() throws Exception {
    SyncFixture sync = new SyncFixture(bigquery.client, bigquery.server.endpoint(), "bqfaults");
    TelemetryTable.insert(bigquery.client, sync.table, new TelemetryGenerator(sync.name)
        .rows(0, 20_000, nowMicros() - 3_600_000_000L, 50_000, 2));

    PipelineResult result = SyncPipeline.run(
        sync.options(false, sync.args("backfill", 3, "--pageRows=1000")));
    // Queued after the preflight: these hit the shard readers' queries.
    bigquery.server.faults().add(FaultPlan.Fault.RATE_LIMITED, 3);
    bigquery.server.faults().add(FaultPlan.Fault.BACKEND_ERROR, 3);
    bigquery.server.faults().add(FaultPlan.Fault.RATE_LIMITED, 2);
    try {
      assertEquals(PipelineResult.State.DONE,
          result.waitUntilFinish(org.joda.time.Duration.standardSeconds(180)));
    } finally {
      bigquery.server.faults().clear();
    }
    assertEquals(8, SyncFixture.counter(result, ReadShardFn.class, "bigquery_retries"), "every injected fault was retried");
    assertEveryNodeEqualsSource(sync, Duration.ofSeconds(60));
  }

  @Test
  void aSeedNodeLeadsToEveryNodeOfItsClusterInAddressOrder() throws Exception {
    SyncFixture sync = new SyncFixture(bigquery.client, bigquery.server.endpoint(), "seed");
    List<String> args = sync.args("backfill", 2,
        "--harperNodes=", "--harperSeedNode=" + LocalHarperCluster.connection().node(1));
    SyncConfig checked = Preflight.check(SyncConfig.from(sync.options(true, args)));
    List<String> expected = new ArrayList<>(LocalHarperCluster.connection().nodes());
    java.util.Collections.sort(expected);
    assertEquals(expected, checked.target().connection().nodes());
  }

  @Test
  void badConfigurationFailsNamingTheOptionAndWritesNothing() throws Exception {
    SyncFixture sync = new SyncFixture(bigquery.client, bigquery.server.endpoint(), "badconfig");
    TelemetryTable.insert(bigquery.client, sync.table,
        new TelemetryGenerator(sync.name).rows(0, 500, nowMicros() - 60_000_000L, 1000, 1));

    assertRefused(sync, "--sourceTable", "not found",
        sync.args("backfill", 2, "--sourceTable=test-project.it.no_such_table"));
    assertRefused(sync, "--columns", "'no_such_column'",
        sync.args("backfill", 2, "--columns=id,timestamp,no_such_column"));
    assertRefused(sync, "--cursorColumn", "TIMESTAMP",
        sync.args("backfill", 2, "--cursorColumn=deviceId"));
    assertRefused(sync, "--harperNodes", "127.0.0.9",
        sync.args("backfill", 2, "--harperNodes=" + LocalHarperCluster.connection().node(0)
            + ",http://127.0.0.9:9925", "--requestTimeout=2s"));
    assertRefused(sync, "--harperDatabase", "no table nodb.SyncCheckpoint",
        sync.args("backfill", 2, "--harperDatabase=nodb"));
    assertRefused(sync, "--shards", "0", sync.args("backfill", 0));
    assertRefused(sync, "--lookback", "soon", sync.args("continuous", 2, "--lookback=soon"));
    // An existing Harper table, keyed by 'id' and declaring 'reading' a Float.
    String existing = "Typed_" + sync.name.replace('-', '_');
    TableCreation.onEveryNode(harper, SyncFixture.DB, existing, List.of(
        new TableCreation.Attribute("id", "String"), new TableCreation.Attribute("reading", "Float")),
        Duration.ofSeconds(10));
    // Keying by another column than the table's primary key would mix up rows.
    assertRefused(sync, "--idColumn", "'id'", sync.args("backfill", 2, "--idColumn=deviceId",
        "--harperTable=" + existing));
    // A source whose 'reading' is a STRING, where Harper declares a Float.
    TableId typed = TableId.of("test-project", "it", sync.table.getTable() + "_typed");
    bigquery.client.create(TableInfo.of(typed, StandardTableDefinition.of(Schema.of(
        Field.of("id", StandardSQLTypeName.STRING),
        Field.of("timestamp", StandardSQLTypeName.TIMESTAMP),
        Field.of("reading", StandardSQLTypeName.STRING)))));
    IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
        () -> SyncPipeline.run(sync.options(true, sync.args("backfill", 2,
            "--sourceTable=" + TelemetryTable.qualifiedName(typed), "--harperTable=" + existing))));
    assertTrue(mismatch.getMessage().startsWith("--harperTable: attribute 'reading'")
        && mismatch.getMessage().contains("is Float") && mismatch.getMessage().contains("is STRING"),
        mismatch.getMessage());

    for (String table : List.of(SyncFixture.TABLE, existing)) {
      if (TableCreation.exists(harper, 0, SyncFixture.DB, table)) {
        long written = harper.scan(0, SyncFixture.DB, table, "id", sync.name, 100, row -> {});
        assertEquals(0, written, "rows written by refused jobs into " + table);
      }
    }
    assertTrue(sync.checkpoint(harper, 2, 0).isEmpty(), "no checkpoint written");
  }

  private static void assertRefused(SyncFixture sync, String option, String detail, List<String> args) {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> SyncPipeline.run(sync.options(true, args)));
    assertTrue(refused.getMessage().startsWith(option), "names " + option + ": " + refused.getMessage());
    assertTrue(refused.getMessage().contains(detail), "says " + detail + ": " + refused.getMessage());
    assertFalse(refused.getMessage().contains("harper-local-dev"), "no password in the error");
  }
}
