package io.bqharpersync.pipeline;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;

import org.apache.beam.sdk.Pipeline;

import org.apache.beam.runners.direct.DirectOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.TableId;
import io.bqharpersync.bqlocal.RunningStandIn;
import io.bqharpersync.checkpoint.CheckpointStore;
import io.bqharpersync.checkpoint.ShardCheckpoint;
import io.bqharpersync.checkpoint.SyncPhase;
import io.bqharpersync.harper.DeadLetter;
import io.bqharpersync.harper.FakeHarperNode;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.harper.NodeSlots;
import io.bqharpersync.record.Cursor;
import io.bqharpersync.record.Micros;
import io.bqharpersync.source.QueryStatement;
import io.bqharpersync.source.ShardQuery;
import io.bqharpersync.source.BigQueryRows;
import io.bqharpersync.tools.ClusterVerifier;
import io.bqharpersync.record.JsonComparison;
import io.bqharpersync.tools.SourceSnapshot;
import io.bqharpersync.tools.TelemetryGenerator;
import io.bqharpersync.tools.TelemetryTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real sync pipeline on the DirectRunner, with no cluster: the BigQuery stand-in in process,
 * read through the real client, and two fake Harper nodes. Nodes do not replicate here, so every
 * row must land on exactly the node that owns its key.
 */
class SyncPipelineTest {
  private static final int SHARDS = 3;
  private static final int ROWS = 2_000;
  /** Every row is older than this, so a backfill to it reads them all. */
  private static final Instant END = Instant.now();

  @TempDir Path dir;
  private RunningStandIn bigquery;
  private final List<FakeHarperNode> nodes = new ArrayList<>();
  private final TableId table = TableId.of("test-project", "unit", "readings");
  private final TelemetryGenerator generator = new TelemetryGenerator("r");

  @BeforeEach
  void start() throws Exception {
    bigquery = new RunningStandIn();
    TelemetryTable.create(bigquery.client, table);
    nodes.add(new FakeHarperNode());
    nodes.add(new FakeHarperNode());
  }

  @AfterEach
  void stop() throws Exception {
    nodes.forEach(FakeHarperNode::close);
    bigquery.close();
  }

  @Test
  void aBackfillPutsEveryRowOnItsNodeAndCheckpointsEachShardAtItsLastRow() throws Exception {
    // Ties of three rows to a timestamp, over the last hour.
    TelemetryTable.insert(bigquery.client, table,
        generator.rows(0, ROWS, Micros.of(END) - 3_600_000_000L, 1_000_000L, 3));
    SyncConfig config = config("--pageRows=150");

    Map<Integer, Cursor> lastRows = lastRowPerShard(config);
    PCollection<ShardCheckpoint> committed = run(config, checkpoints -> {
      assertEquals(lastRows, latestPerShard(checkpoints));
      assertEquals(ROWS, lastRows.keySet().stream()
          .mapToLong(shard -> newest(checkpoints, shard).recordsSynced()).sum());
    });
    assertEquals(PipelineResult.State.DONE, committed.getPipeline().run().waitUntilFinish());

    assertNodesHoldExactly(SourceSnapshot.read(bigquery.client, table, "id", "timestamp").rows);
    for (int shard = 0; shard < SHARDS; shard++) {
      assertEquals(lastRowPerShard(config).get(shard), stored(config, shard).cursor(),
          "stored checkpoint of shard " + shard);
    }
  }

  @Test
  void ofSeveralRowsPerKeyEveryNodeEndsWithEachKeysNewestRow() throws Exception {
    // 300 devices report four times each, at distinct random times, inserted in random order.
    // The default partition expression hashes the timestamp, so a device's reports sit in
    // different shards and reach the writer in no particular order.
    int devices = 300;
    java.util.Random random = new java.util.Random(3);
    List<Map<String, Object>> rows = new ArrayList<>();
    Map<String, Long> newest = new HashMap<>();
    java.util.Set<Long> used = new java.util.HashSet<>();
    for (int i = 0; i < devices * 4; i++) {
      long micros;
      do {
        micros = Micros.of(END) - 1_000_000L - random.nextInt(3_600_000) * 1000L;
      } while (!used.add(micros));
      Map<String, Object> row = generator.row(i, micros);
      String device = "device-" + (i % devices);
      row.put("id", device);
      rows.add(row);
      newest.merge(device, micros, Math::max);
    }
    java.util.Collections.shuffle(rows, random);
    TelemetryTable.insert(bigquery.client, table, rows);
    SyncConfig config = config("--pageRows=97", "--shards=4");

    SyncPipeline.build(TestPipeline.create().enableAbandonedNodeEnforcement(false), config, END)
        .getPipeline().run().waitUntilFinish();

    Map<String, JsonNode> expected = new HashMap<>();
    var result = bigquery.client.query(com.google.cloud.bigquery.QueryJobConfiguration
        .of("SELECT * FROM `" + TelemetryTable.qualifiedName(table) + "`"));
    for (FieldValueList row : result.iterateAll()) {
      JsonNode json = BigQueryRows.toJson(result.getSchema().getFields(), row);
      String device = json.path("id").asText();
      if (Micros.of(Instant.parse(json.path("timestamp").asText())) == newest.get(device)) {
        expected.put(device, json);
      }
    }
    assertEquals(devices, expected.size());
    assertNodesHoldExactly(expected);
  }

  @Test
  void aRowTheTargetRefusesIsADeadLetterAndTheCheckpointPassesIt() throws Exception {
    List<Map<String, Object>> rows =
        generator.rows(0, 300, Micros.of(END) - 600_000_000L, 1_000_000L, 1);
    rows.get(120).put("deviceId", "refused-device");
    nodes.forEach(node -> node.refuse("deviceId", "refused-device"));
    TelemetryTable.insert(bigquery.client, table, rows);
    SyncConfig config = config("--pageRows=100");

    Map<Integer, Cursor> lastRows = lastRowPerShard(config);
    PCollection<ShardCheckpoint> committed = run(config, checkpoints ->
        assertEquals(lastRows, latestPerShard(checkpoints)));
    assertEquals(PipelineResult.State.DONE, committed.getPipeline().run().waitUntilFinish());

    Map<String, JsonNode> expected =
        new HashMap<>(SourceSnapshot.read(bigquery.client, table, "id", "timestamp").rows);
    expected.remove(generator.id(120));
    assertNodesHoldExactly(expected);
    List<JsonNode> letters = new ArrayList<>();
    nodes.forEach(node -> letters.addAll(node.table(DeadLetter.TABLE).values()));
    assertEquals(1, letters.size(), letters.toString());
    assertEquals(generator.id(120), letters.get(0).path("sourceId").asText());
    assertTrue(letters.get(0).path("reason").asText().contains("property deviceId"), letters.toString());
  }

  @Test
  void rowsWithoutAnIdAreAllDeadLettersWhereverAPageEnds() throws Exception {
    long start = Micros.of(END) - 600_000_000L;
    List<Map<String, Object>> rows = generator.rows(0, 200, start, 1_000_000L, 1);
    // Seven rows without an id share one timestamp; pages of five must end among them.
    for (int i = 0; i < 7; i++) {
      Map<String, Object> row = generator.row(1_000 + i, start + 100_500_000L);
      row.remove("id");
      rows.add(row);
    }
    TelemetryTable.insert(bigquery.client, table, rows);
    SyncConfig config = config("--pageRows=5");

    assertEquals(PipelineResult.State.DONE,
        run(config, checkpoints -> { }).getPipeline().run().waitUntilFinish());
    assertNodesHoldExactly(SourceSnapshot.read(bigquery.client, table, "id", "timestamp").rows);
    Set<String> letters = new HashSet<>();
    nodes.forEach(node -> node.table(DeadLetter.TABLE).values()
        .forEach(letter -> letters.add(letter.path("rawRow").asText())));
    assertEquals(7, letters.size(), "one dead letter per row without an id: " + letters);
  }

  @Test
  void aRestartedJobReadsOnlyWhatFollowsEachShardsCheckpoint() throws Exception {
    TelemetryTable.insert(bigquery.client, table,
        generator.rows(0, 900, Micros.of(END) - 900_000_000L, 1_000_000L, 1));
    // No lookback: a new job would otherwise re-check the window behind each checkpoint.
    SyncConfig config = config("--pageRows=100", "--lookback=0s");
    Map<String, JsonNode> source = SourceSnapshot.read(bigquery.client, table, "id", "timestamp").rows;
    // A previous job committed shard 1 up to row 450's position in it.
    Cursor resumeAt = lastRowPerShard(config, Micros.of(END) - 450_000_000L).get(1);
    try (HarperClient client = new HarperClient(config.target().connection())) {
      new CheckpointStore(client, "data", config.writing().retry()).write(new ShardCheckpoint(
          config.syncName(), config.layout().partition(), SHARDS, 1, resumeAt, 6, 150,
          SyncPhase.INITIAL, Instant.now()));
    }

    Map<Integer, Cursor> lastRows = lastRowPerShard(config);
    PCollection<ShardCheckpoint> committed = run(config, checkpoints -> {
      assertEquals(lastRows, latestPerShard(checkpoints));
      assertTrue(newest(checkpoints, 1).pageSeq() > 6, "page numbers continue after the stored one");
    });
    assertEquals(PipelineResult.State.DONE, committed.getPipeline().run().waitUntilFinish());

    Map<String, JsonNode> expected = new HashMap<>();
    source.forEach((id, row) -> {
      Cursor cursor = Cursor.of(Micros.of(Instant.parse(row.path("timestamp").asText())), id);
      if (shardOf(config, row) != 1 || cursor.compareTo(resumeAt) > 0) {
        expected.put(id, row);
      }
    });
    assertTrue(expected.size() < source.size(), "shard 1 had rows before its checkpoint");
    assertNodesHoldExactly(expected);
  }

  @Test
  void aNewShardCountResumesFromTheLastLayoutsCheckpointsNotFromTheStart() throws Exception {
    TelemetryTable.insert(bigquery.client, table,
        generator.rows(0, 900, Micros.of(END) - 1_800_000_000L, 1_000_000L, 1));
    SyncConfig three = config("--pageRows=100", "--lookback=0s", "--shards=3");
    SyncPipeline.build(TestPipeline.create().enableAbandonedNodeEnforcement(false), three, END)
        .getPipeline().run().waitUntilFinish();
    // 300 newer rows, then the same sync with five shards and another partition expression.
    TelemetryTable.insert(bigquery.client, table,
        // (row i's timestamp is start + i seconds: these are 600 s to 301 s before the end)
        generator.rows(900, 300, Micros.of(END) - 1_500_000_000L, 1_000_000L, 1));
    nodes.forEach(node -> node.upsertRequests.clear());
    SyncConfig five = config("--pageRows=100", "--lookback=0s", "--shards=5",
        "--partitionExpression=ID");
    SyncPipeline.build(TestPipeline.create().enableAbandonedNodeEnforcement(false), five, END)
        .getPipeline().run().waitUntilFinish();

    java.util.Set<String> sentAgain = new java.util.HashSet<>();
    nodes.forEach(node -> node.upsertRequests.forEach(sentAgain::addAll));
    assertNodesHoldExactly(SourceSnapshot.read(bigquery.client, table, "id", "timestamp").rows);
    for (int i = 900; i < 1200; i++) {
      assertTrue(sentAgain.contains(generator.id(i)), "new row " + i + " written");
    }
    // Only rows after the least cursor of the three old shards are read again: a few of the old.
    assertTrue(sentAgain.size() < 320, sentAgain.size() + " rows written by the second job");
  }

  /** Options as a user gives them; the fake nodes stand in for the cluster. */
  @Test
  void whileOneTablesHarperNodeDoesNotAnswerTheOtherTableOfTheJobKeepsSyncing() throws Exception {
    TableId other = TableId.of("test-project", "unit", "other");
    TelemetryTable.create(bigquery.client, other);
    FakeHarperNode up = nodes.get(0);
    FakeHarperNode down = nodes.get(1);
    List<SyncConfig> tables = List.of(
        continuousTable(table, up, "first"), continuousTable(other, down, "second"));
    long start = Micros.now() - 60_000_000L;
    TelemetryTable.insert(bigquery.client, table, generator.rows(0, 100, start, 100_000L, 1));
    TelemetryTable.insert(bigquery.client, other, generator.rows(0, 100, start, 100_000L, 1));

    DirectOptions options = PipelineOptionsFactory.as(DirectOptions.class);
    options.setBlockOnRun(false);
    // As scripts/sync sets it for a job of two tables (RunnerDefaults).
    options.setTargetParallelism(RunnerDefaults.directRunnerParallelism(2,
        options.getTargetParallelism()));
    Pipeline pipeline = Pipeline.create(options);
    SyncPipeline.build(pipeline, tables, Instant.now());
    PipelineResult result = pipeline.run();
    Thread watcher = new Thread(() -> {
      try {
        result.waitUntilFinish();
      } catch (RuntimeException e) {
        FAILURES.add(e);
      }
    });
    watcher.setDaemon(true);
    watcher.start();
    try {
      awaitRows(up, 100, result);
      awaitRows(down, 100, result);
      down.unavailable(true);
      long later = Micros.now() - 1_000_000L;
      TelemetryTable.insert(bigquery.client, table, generator.rows(100, 100, later, 1_000L, 1));
      TelemetryTable.insert(bigquery.client, other, generator.rows(100, 100, later, 1_000L, 1));
      awaitRows(up, 200, result);
      // Down for a while: the other table's writes and reads wait on it, the job goes on.
      Thread.sleep(10_000);
      assertEquals(100, down.table("BigQueryData").size(), "nothing reaches the node that is down");
      assertFalse(result.getState().isTerminal(), () -> "the job waits: " + why(result));
      down.unavailable(false);
      awaitRows(down, 200, result);
    } finally {
      result.cancel();
    }
  }

  /** A continuous sync of {@code source} into {@code node}, as one table of a job of several. */
  private SyncConfig continuousTable(TableId source, FakeHarperNode node, String syncName)
      throws Exception {
    Path password = dir.resolve("password");
    Files.writeString(password, "fake-node-password\n");
    SyncConfig table = SyncConfig.from(PipelineOptionsFactory.fromArgs(
        "--sourceTable=" + TelemetryTable.qualifiedName(source),
        "--bigQueryEndpoint=" + bigquery.server.endpoint(),
        "--harperNodes=" + node.url(), "--harperRestPort=0",
        "--harperPasswordFile=" + password, "--syncName=" + syncName,
        "--mode=continuous", "--pollInterval=200ms", "--safetyLag=0s", "--shards=2",
        "--maxBufferingDuration=100ms", "--historyInterval=0s").as(SyncOptions.class));
    return table.withSource(table.source().resolved(TelemetryTable.COLUMNS, ShardQuery.IdType.STRING));
  }

  private static final List<Throwable> FAILURES = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Why a job ended: its state, and the failure it ended with. */
  private static String why(PipelineResult result) {
    if (!FAILURES.isEmpty()) {
      java.io.StringWriter trace = new java.io.StringWriter();
      FAILURES.get(0).printStackTrace(new java.io.PrintWriter(trace));
      return trace.toString();
    }
    try {
      if (result instanceof org.apache.beam.runners.direct.DirectRunner.DirectPipelineResult direct) {
        direct.waitUntilFinish(org.joda.time.Duration.millis(1));
      }
      return result.waitUntilFinish().toString();
    } catch (RuntimeException e) {
      java.io.StringWriter trace = new java.io.StringWriter();
      e.printStackTrace(new java.io.PrintWriter(trace));
      return trace.toString();
    }
  }

  private static void awaitRows(FakeHarperNode node, int rows, PipelineResult job)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (node.table("BigQueryData").size() < rows) {
      assertFalse(job.getState().isTerminal(), () -> "the job ended: " + why(job));
      assertTrue(System.nanoTime() < deadline, "rows on " + node.url() + ": "
          + node.table("BigQueryData").size() + " of " + rows);
      Thread.sleep(100);
    }
  }

  private SyncConfig config(String... extra) throws Exception {
    Path password = dir.resolve("password");
    Files.writeString(password, "fake-node-password\n");
    List<String> args = new ArrayList<>(List.of(
        "--sourceTable=" + TelemetryTable.qualifiedName(table),
        "--bigQueryEndpoint=" + bigquery.server.endpoint(),
        "--harperNodes=" + nodes.get(0).url() + "," + nodes.get(1).url(),
        "--harperRestPort=0",
        "--harperPasswordFile=" + password,
        "--mode=backfill",
        "--backfillUntil=" + END,
        "--shards=" + SHARDS,
        "--maxBufferingDuration=100ms"));
    args.addAll(List.of(extra));
    SyncConfig config = SyncConfig.from(PipelineOptionsFactory
        .fromArgs(PipelineFile.expand(args.toArray(new String[0]))).as(SyncOptions.class));
    // What Preflight would resolve from the table's schema.
    return config.withSource(config.source().resolved(TelemetryTable.COLUMNS, ShardQuery.IdType.STRING));
  }

  private interface CheckpointCheck extends java.io.Serializable {
    void check(Iterable<ShardCheckpoint> checkpoints);
  }

  private PCollection<ShardCheckpoint> run(SyncConfig config, CheckpointCheck check) {
    TestPipeline pipeline = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    PCollection<ShardCheckpoint> committed = SyncPipeline.build(pipeline, config, END);
    PAssert.that(committed).satisfies(checkpoints -> {
      check.check(checkpoints);
      return null;
    });
    return committed;
  }

  /** Each node holds exactly the rows it owns, field for field, and nothing else. */
  private void assertNodesHoldExactly(Map<String, JsonNode> expected) {
    for (int slot = 0; slot < nodes.size(); slot++) {
      Map<String, JsonNode> held = new HashMap<>();
      nodes.get(slot).table("BigQueryData").forEach((id, row) ->
          held.put(id, ((com.fasterxml.jackson.databind.node.ObjectNode) row.deepCopy())
              .remove(ClusterVerifier.ADDED_FIELDS)));
      int owned = 0;
      for (Map.Entry<String, JsonNode> row : expected.entrySet()) {
        if (NodeSlots.slotOf(row.getKey(), nodes.size()) == slot) {
          owned++;
          assertTrue(JsonComparison.same(row.getValue(), held.get(row.getKey())),
              "node " + slot + " row " + row.getKey() + ": " + held.get(row.getKey()));
        }
      }
      assertEquals(owned, held.size(), "node " + slot + " holds only the rows it owns");
    }
  }

  private int shardOf(SyncConfig config, JsonNode row) {
    return shardMembership(config).get(row.path("id").asText());
  }

  private Map<String, Integer> membership;

  /** Which shard each row belongs to, as BigQuery computes it. */
  private Map<String, Integer> shardMembership(SyncConfig config) {
    if (membership == null) {
      membership = new HashMap<>();
      for (int shard = 0; shard < SHARDS; shard++) {
        try {
          QueryStatement all = config.source().shardQuery(shard, SHARDS)
              .page(Cursor.START, END, 100_000);
          for (FieldValueList row : bigquery.query(all.sql, all.parameters)) {
            membership.put(row.get("id").getStringValue(), shard);
          }
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return membership;
  }

  private Map<Integer, Cursor> lastRowPerShard(SyncConfig config) {
    return lastRowPerShard(config, Long.MAX_VALUE);
  }

  /** Per shard, the greatest (timestamp, id) at or before {@code untilMicros}. */
  private Map<Integer, Cursor> lastRowPerShard(SyncConfig config, long untilMicros) {
    Map<Integer, Cursor> last = new TreeMap<>();
    try {
      for (JsonNode row : SourceSnapshot.read(bigquery.client, table, "id", "timestamp").rows.values()) {
        Cursor cursor = Cursor.of(Micros.of(Instant.parse(row.path("timestamp").asText())), row.path("id").asText());
        if (cursor.timestampMicros() <= untilMicros) {
          last.merge(shardMembership(config).get(row.path("id").asText()), cursor, Cursor::max);
        }
      }
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    return last;
  }

  private static Map<Integer, Cursor> latestPerShard(Iterable<ShardCheckpoint> checkpoints) {
    Map<Integer, Cursor> latest = new TreeMap<>();
    checkpoints.forEach(c -> latest.merge(c.shard(), c.cursor(), Cursor::max));
    return latest;
  }

  private static ShardCheckpoint newest(Iterable<ShardCheckpoint> checkpoints, int shard) {
    ShardCheckpoint newest = null;
    for (ShardCheckpoint c : checkpoints) {
      if (c.shard() == shard && (newest == null || c.pageSeq() > newest.pageSeq())) {
        newest = c;
      }
    }
    return newest;
  }

  private ShardCheckpoint stored(SyncConfig config, int shard) {
    try (HarperClient client =
        new HarperClient(config.target().connection())) {
      return new CheckpointStore(client, "data", config.writing().retry())
          .read(config.layout(), shard).orElseThrow();
    }
  }
}
