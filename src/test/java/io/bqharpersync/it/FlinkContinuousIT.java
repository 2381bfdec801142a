package io.bqharpersync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bqharpersync.bqlocal.RunningStandIn;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.pipeline.FlinkJobs;
import io.bqharpersync.record.Micros;
import io.bqharpersync.tools.ClusterVerifier;
import io.bqharpersync.tools.LocalHarperCluster;
import io.bqharpersync.tools.SourceSnapshot;
import io.bqharpersync.tools.TelemetryGenerator;
import io.bqharpersync.tools.TelemetryTable;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A continuous sync as a streaming job on the Flink cluster survives a {@code kill -9} of its only
 * TaskManager: rows keep arriving (ties and late rows among them), a new TaskManager starts, Flink
 * restores the job from its last checkpoint, and every row reaches every node. Rows written twice
 * are counted from Harper's own timestamps.
 */
class FlinkContinuousIT {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int SHARDS = 4;

  @Test
  void aStreamingSyncOnFlinkRestoresFromItsCheckpointAfterATaskManagerKill() throws Exception {
    try (RunningStandIn bigquery = new RunningStandIn();
        HarperClient harper = LocalHarperCluster.client()) {
      SyncFixture sync = new SyncFixture(bigquery.client, bigquery.server.endpoint(), "flinkct");
      TelemetryGenerator rows = new TelemetryGenerator(sync.name);
      String output = submit(streamingSync(bigquery, sync, rows, 5_000));
      assertTrue(output.contains("sync job submitted and running"), output);
      String job = jobId("bq-harper-sync-" + sync.name);
      try {
        awaitState(job, "RUNNING", Duration.ofSeconds(60));
        AtomicLong next = new AtomicLong(5_000);
        next.addAndGet(rows.insertAtRate(bigquery.client, sync.table, next.get(), 200,
            Duration.ofSeconds(15), 2, 40, Duration.ofSeconds(5)));
        flinkCluster("kill-taskmanager");
        next.addAndGet(rows.insertAtRate(bigquery.client, sync.table, next.get(), 200,
            Duration.ofSeconds(5), 2, 40, Duration.ofSeconds(5)));
        flinkCluster("start-taskmanager");
        next.addAndGet(rows.insertAtRate(bigquery.client, sync.table, next.get(), 200,
            Duration.ofSeconds(20), 2, 40, Duration.ofSeconds(5)));

        SourceSnapshot source = SourceSnapshot.read(bigquery.client, sync.table, "id", "timestamp");
        assertEquals(next.get(), source.rows.size());
        for (ClusterVerifier.NodeReport node
            : SyncFixture.verify(harper, source, sync.name, Duration.ofSeconds(120))) {
          assertTrue(node.ok(), "after the TaskManager kill: " + node);
        }
        assertTrue(restarts(job) >= 1, "Flink restarted the job after the kill");
        assertEquals("RUNNING", state(job), "the job runs on");
        // A replayed row is compared and skipped by SyncUpsert, so Harper rewrites none; a row is
        // rewritten only when it is written through two nodes around the restart.
        long twice = countRewritten(harper, sync.name);
        System.out.printf("flink continuous test: %d rows, %d rewritten%n", next.get(), twice);
        assertTrue(twice <= (long) SHARDS * 500 * 4,
            "rows written twice stay within what was in flight: " + twice);
      } finally {
        cancel(job);
      }
    }
  }

  @Test
  void aStreamingSyncStoppedWithASavepointResumesFromItAndLosesNothing() throws Exception {
    try (RunningStandIn bigquery = new RunningStandIn();
        HarperClient harper = LocalHarperCluster.client()) {
      SyncFixture sync = new SyncFixture(bigquery.client, bigquery.server.endpoint(), "flinksp");
      TelemetryGenerator rows = new TelemetryGenerator(sync.name);
      List<String> args = streamingSync(bigquery, sync, rows, 3_000);
      submit(args);
      String first = jobId("bq-harper-sync-" + sync.name);
      String second = null;
      try {
        awaitState(first, "RUNNING", Duration.ofSeconds(60));
        AtomicLong next = new AtomicLong(3_000);
        next.addAndGet(rows.insertAtRate(bigquery.client, sync.table, next.get(), 200,
            Duration.ofSeconds(10), 2, 40, Duration.ofSeconds(5)));
        long atSavepoint = next.get();
        String savepoint = flinkClusterOutput("savepoint", first).trim();
        assertTrue(savepoint.startsWith("file:"), "a savepoint path: " + savepoint);
        awaitState(first, "FINISHED", Duration.ofSeconds(60));
        long writtenBefore = metric(first, "records_written");
        // Rows arriving while no job runs.
        next.addAndGet(rows.insertAtRate(bigquery.client, sync.table, next.get(), 200,
            Duration.ofSeconds(5), 2, 0, Duration.ZERO));
        args.add("--savepointPath=" + savepoint);
        submit(args);
        second = jobId("bq-harper-sync-" + sync.name);
        awaitState(second, "RUNNING", Duration.ofSeconds(60));
        next.addAndGet(rows.insertAtRate(bigquery.client, sync.table, next.get(), 200,
            Duration.ofSeconds(10), 2, 40, Duration.ofSeconds(5)));

        SourceSnapshot source = SourceSnapshot.read(bigquery.client, sync.table, "id", "timestamp");
        for (ClusterVerifier.NodeReport node
            : SyncFixture.verify(harper, source, sync.name, Duration.ofSeconds(120))) {
          assertTrue(node.ok(), "after resuming from the savepoint: " + node);
        }
        assertEquals(savepoint, get("/jobs/" + second + "/checkpoints").path("latest")
            .path("restored").path("external_path").asText(), "restored from the savepoint");
        // HarperIO's counter, as Flink's REST API shows it: every row read is sent, so a job that
        // read again from the start would send every row again.
        // Flink's REST API serves metrics fetched from the TaskManager every 10 s.
        long writtenAfter = metric(second, "records_written");
        long metricDeadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (writtenAfter == 0 && System.nanoTime() < metricDeadline) {
          Thread.sleep(1000);
          writtenAfter = metric(second, "records_written");
        }
        System.out.printf("flink savepoint test: the first job sent %d rows, the resumed one %d;"
            + " %d rows arrived after the savepoint%n", writtenBefore, writtenAfter,
            next.get() - atSavepoint);
        assertTrue(writtenAfter > 0, "the resumed job's counters are on Flink's REST API");
        long readAfter = metric(second, "ReadShardFn_rows_read");
        assertTrue(readAfter > 0 && readAfter <= next.get() - atSavepoint + (long) SHARDS * 500,
            "the splittable reader's counters are there too, and count what it read: " + readAfter);
        assertTrue(writtenAfter <= next.get() - atSavepoint + (long) SHARDS * 500,
            "the resumed job reads on from the savepoint, not from the start: " + writtenAfter);
      } finally {
        cancel(first);
        if (second != null) {
          cancel(second);
        }
      }
    }
  }

  /** A Beam counter of the job, summed over its vertices, from Flink's REST API. */
  static long metric(String job, String name) throws Exception {
    long total = 0;
    for (JsonNode vertex : get("/jobs/" + job).path("vertices")) {
      String path = "/jobs/" + job + "/vertices/" + vertex.path("id").asText() + "/metrics";
      List<String> ids = new ArrayList<>();
      for (JsonNode metric : get(path)) {
        if (metric.path("id").asText().endsWith(name)) {
          ids.add(metric.path("id").asText());
        }
      }
      if (!ids.isEmpty()) {
        for (JsonNode value : get(path + "?get=" + String.join(",", ids))) {
          total += (long) value.path("value").asDouble();
        }
      }
    }
    return total;
  }

  private static long countRewritten(HarperClient harper, String prefix) {
    AtomicLong twice = new AtomicLong();
    harper.scan(0, SyncFixture.DB, SyncFixture.TABLE, "id", prefix, 5000, row -> {
      if (row.path("harperUpdatedAt").asDouble() > row.path("harperCreatedAt").asDouble()) {
        twice.incrementAndGet();
      }
    });
    return twice.get();
  }

  /** Submits a continuous sync to the Flink cluster: scripts/sync returns once Flink has it. */
  private static String submit(List<String> args) throws Exception {
    ScriptRun run = ScriptRun.of(Duration.ofMinutes(3), "scripts/sync", args);
    assertEquals(0, run.exit(), run.output());
    return run.output();
  }

  /** A streaming sync of {@code seed} rows ten minutes old, checkpointed every 3 s on Flink. */
  private static List<String> streamingSync(RunningStandIn bigquery, SyncFixture sync,
      TelemetryGenerator rows, int seed) {
    TelemetryTable.insert(bigquery.client, sync.table,
        rows.rows(0, seed, Micros.now() - 600_000_000L, 100_000L, 2));
    List<String> args = new ArrayList<>(sync.args("continuous", SHARDS, "--pollInterval=1s",
        "--safetyLag=1s", "--lookback=30s", "--rescanInterval=5s", "--pageRows=500",
        "--maxBufferingDuration=500ms", "--checkpointingInterval=3000"));
    args.add("--runnerConfig=runner-configs/flink.yaml");
    return args;
  }

  static void flinkCluster(String command) throws Exception {
    Process process = new ProcessBuilder("scripts/flink-cluster", command)
        .directory(new File(System.getProperty("user.dir"))).inheritIO().start();
    assertTrue(process.waitFor(2, TimeUnit.MINUTES) && process.exitValue() == 0,
        "scripts/flink-cluster " + command);
  }

  static String flinkClusterOutput(String... command) throws Exception {
    List<String> line = new ArrayList<>(List.of("scripts/flink-cluster"));
    line.addAll(List.of(command));
    Process process = new ProcessBuilder(line)
        .directory(new File(System.getProperty("user.dir"))).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertTrue(process.waitFor(3, TimeUnit.MINUTES) && process.exitValue() == 0,
        "scripts/flink-cluster " + line + ": " + output);
    return output;
  }

  static JsonNode get(String path) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(FlinkBackfillIT.FLINK_REST + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    return MAPPER.readTree(response.body());
  }

  static String jobId(String name) throws Exception {
    return FlinkJobs.runningJobId(FlinkBackfillIT.FLINK_MASTER, name).orElseThrow(() ->
        new AssertionError("no running Flink job named " + name));
  }

  static String state(String job) throws Exception {
    return get("/jobs/" + job).path("state").asText();
  }

  private static long restarts(String job) throws Exception {
    JsonNode exceptions = get("/jobs/" + job + "/exceptions");
    return exceptions.path("exceptionHistory").path("entries").size();
  }

  static void awaitState(String job, String state, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!state(job).equals(state)) {
      assertTrue(System.nanoTime() < deadline, "job " + job + " not " + state + ": " + state(job));
      Thread.sleep(500);
    }
  }

  /** Cleanup: cancels the job unless it has already ended (Flink then refuses). */
  static void cancel(String job) throws Exception {
    if (!Set.of("FINISHED", "CANCELED", "FAILED").contains(state(job))) {
      HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create(FlinkBackfillIT.FLINK_REST + "/jobs/" + job + "?mode=cancel"))
          .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }
}
