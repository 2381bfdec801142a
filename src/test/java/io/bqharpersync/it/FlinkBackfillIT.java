package io.bqharpersync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bqharpersync.bqlocal.RunningStandIn;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.harper.SecretManagerFake;
import io.bqharpersync.record.Micros;
import io.bqharpersync.tools.ClusterVerifier;
import io.bqharpersync.tools.LocalHarperCluster;
import io.bqharpersync.tools.SourceSnapshot;
import io.bqharpersync.tools.TelemetryGenerator;
import io.bqharpersync.tools.TelemetryTable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A backfill on the standalone Flink cluster of {@code scripts/flink-cluster}, submitted through
 * {@code scripts/sync} with {@code runner-configs/flink.yaml}: it exits 0, Flink's REST API reports
 * the job FINISHED, and every node holds every row, field for field. The same on the embedded mini
 * cluster of {@code runner-configs/flink-local.yaml}.
 */
class FlinkBackfillIT {
  static final String FLINK_MASTER = "127.0.0.1:8081";
  static final String FLINK_REST = "http://" + FLINK_MASTER;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * The Harper password comes from Secret Manager (an in-process stand-in of its API), not from
   * the environment: the submitting JVM reads it for its checks, and the TaskManager, a JVM of its
   * own, reads it again, since only the secret's name travels with the job.
   */
  @Test
  void aBackfillOnTheFlinkClusterFinishesWithEveryRowOnEveryNode() throws Exception {
    String version = "projects/local-project/secrets/harper-password/versions/1";
    try (SecretManagerFake secrets = new SecretManagerFake()
        .withSecret(version, LocalHarperCluster.password() + "\n")) {
      Map<String, String> noPasswordInTheEnvironment = new HashMap<>();
      noPasswordInTheEnvironment.put("HARPER_PASSWORD", null);
      String name = backfill("runner-configs/flink.yaml", "flinkbf", List.of(
          "--harperPasswordSecret=" + version, "--secretManagerEndpoint=" + secrets.endpoint()),
          noPasswordInTheEnvironment);
      assertEquals("FINISHED", jobState("bq-harper-sync-" + name), "Flink's REST API");
      assertTrue(secrets.reads() >= 2, "read by the client and by the TaskManager: "
          + secrets.reads());
    }
  }

  @Test
  void aBackfillOnTheEmbeddedMiniClusterFinishesWithEveryRowOnEveryNode() throws Exception {
    backfill("runner-configs/flink-local.yaml", "flinklocal", List.of(), Map.of());
  }

  /** Runs a backfill of 20,000 rows through scripts/sync; checks every node; returns the sync's name. */
  private static String backfill(String runnerConfig, String test, List<String> more,
      Map<String, String> env) throws Exception {
    try (RunningStandIn bigquery = new RunningStandIn();
        HarperClient harper = LocalHarperCluster.client()) {
      SyncFixture sync = new SyncFixture(bigquery.client, bigquery.server.endpoint(), test);
      TelemetryTable.insert(bigquery.client, sync.table, new TelemetryGenerator(sync.name)
          .rows(0, 20_000, Micros.now() - 3_600_000_000L, 100_000L, 2));
      List<String> args = new ArrayList<>(sync.args("backfill", 4));
      args.add("--runnerConfig=" + runnerConfig);
      args.add("--backfillUntil=" + java.time.Instant.now().minusSeconds(1));
      if (more.stream().anyMatch(arg -> arg.startsWith("--harperPasswordSecret="))) {
        args.removeIf(arg -> arg.startsWith("--harperPasswordFile="));
      }
      args.addAll(more);

      ScriptRun run = ScriptRun.of(Duration.ofMinutes(5), "scripts/sync", args, env);
      assertEquals(0, run.exit(), run.output());

      SourceSnapshot source = SourceSnapshot.read(bigquery.client, sync.table, "id", "timestamp");
      for (ClusterVerifier.NodeReport node
          : SyncFixture.verify(harper, source, sync.name, Duration.ofSeconds(60))) {
        assertTrue(node.ok(), node.toString());
      }
      return sync.name;
    }
  }

  /** The state of the newest job of this name, from {@code GET /jobs/overview}. */
  static String jobState(String name) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(FLINK_REST + "/jobs/overview")).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode newest = null;
    for (JsonNode job : MAPPER.readTree(response.body()).path("jobs")) {
      if (job.path("name").asText().equals(name)
          && (newest == null || job.path("start-time").asLong() > newest.path("start-time").asLong())) {
        newest = job;
      }
    }
    return newest == null ? "no job named " + name : newest.path("state").asText();
  }
}
