package io.bqharpersync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bqharpersync.bqlocal.RunningStandIn;
import io.bqharpersync.checkpoint.ShardCheckpoint;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.pipeline.Preflight;
import io.bqharpersync.pipeline.SyncConfig;
import io.bqharpersync.pipeline.SyncPipeline;
import io.bqharpersync.record.Micros;
import io.bqharpersync.status.SyncReport;
import io.bqharpersync.tools.ClusterVerifier;
import io.bqharpersync.tools.LocalHarperCluster;
import io.bqharpersync.tools.SourceSnapshot;
import io.bqharpersync.tools.TelemetryGenerator;
import io.bqharpersync.tools.TelemetryTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/report} after a real run, opened in a real headless browser (Debian's chromium):
 * the page's own script draws one point per progress-history row of each shard (lag) and one per
 * pair of consecutive rows (rows/s), with the values the history holds, and one per dead letter.
 */
class SyncReportIT {
  private static final Pattern POINT = Pattern.compile(
      "<circle class=\"point\" data-chart=\"([^\"]+)\" data-series=\"([^\"]+)\" "
          + "data-t=\"(\\d+)\" data-v=\"([-0-9.]+)\"");

  @Test
  void theReportsPlotsHoldTheDataPointsOfTheRun() throws Exception {
    try (RunningStandIn bigquery = new RunningStandIn();
        HarperClient harper = LocalHarperCluster.client()) {
      SyncFixture sync = new SyncFixture(bigquery.client, bigquery.server.endpoint(), "report");
      TelemetryGenerator rows = new TelemetryGenerator(sync.name);
      TelemetryTable.insert(bigquery.client, sync.table,
          rows.rows(0, 1_000, Micros.now() - 60_000_000L, 50_000L, 1));
      List<String> args = sync.args("continuous", 2, "--pollInterval=500ms", "--safetyLag=1s",
          "--nullTimestampScanInterval=1s", "--maxBufferingDuration=500ms",
          "--historyInterval=1s");
      PipelineResult result = SyncPipeline.run(sync.options(false, args));
      try {
        // The backlog first, then rows arriving for 10 s: each shard commits again and again.
        SourceSnapshot backlog = SourceSnapshot.read(bigquery.client, sync.table, "id", "timestamp");
        SyncFixture.verify(harper, backlog, sync.name, Duration.ofSeconds(30));
        rows.insertAtRate(bigquery.client, sync.table, 1_000, 200, Duration.ofSeconds(10), 1, 0,
            Duration.ZERO);
        TelemetryTable.insert(bigquery.client, sync.table, List.of(
            rows.badRow(900_001, Micros.now(), TelemetryGenerator.Bad.NULL_TIMESTAMP, 0)));
        SourceSnapshot source = SourceSnapshot.read(bigquery.client, sync.table, "id", "timestamp");
        for (ClusterVerifier.NodeReport node : SyncFixture.verify(harper, source, sync.name,
            Duration.ofSeconds(30))) {
          assertTrue(node.ok(), node.toString());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (sync.deadLetters(harper).isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(500); // the dead letter of the row without a timestamp
        }
      } finally {
        result.cancel();
      }

      Path page = Files.createTempDirectory("report").resolve("report.html");
      ScriptRun report = ScriptRun.of(Duration.ofSeconds(60), "scripts/report",
          with(args, "--out=" + page));
      assertEquals(0, report.exit(), report.output());

      // scripts/status takes its rows/s from the same history: rows were committed this minute.
      ScriptRun status = ScriptRun.of(Duration.ofSeconds(60), "scripts/status",
          with(args, "--json=true", "--maxCheckpointAge=1h"));
      JsonNode shards = new ObjectMapper().readTree(status.output().lines()
          .filter(line -> line.startsWith("{")).findFirst().orElseThrow()).path("shards");
      for (JsonNode shard : shards) {
        assertTrue(shard.path("rowsPerSecond").asDouble() > 0, "rows/s in the status: " + shard);
      }

      SyncConfig config = Preflight.check(SyncConfig.from(sync.options(true, args)));
      List<ShardCheckpoint> history = SyncReport.history(harper, SyncFixture.DB, config);
      Map<String, List<double[]>> drawn = points(renderedDom(page));

      for (int shard = 0; shard < 2; shard++) {
        List<ShardCheckpoint> rowsOfShard = new ArrayList<>();
        for (ShardCheckpoint point : history) {
          if (point.shard() == shard) {
            rowsOfShard.add(point);
          }
        }
        assertTrue(rowsOfShard.size() >= 3, "history rows of shard " + shard + ": " + rowsOfShard);
        List<double[]> lag = drawn.getOrDefault("lag/s" + shard, List.of());
        assertEquals(rowsOfShard.size(), lag.size(), "lag points of shard " + shard);
        List<double[]> rate = drawn.getOrDefault("rows/s" + shard, List.of());
        assertEquals(rowsOfShard.size() - 1, rate.size(), "rows/s points of shard " + shard);
        for (int i = 0; i < rowsOfShard.size(); i++) {
          ShardCheckpoint h = rowsOfShard.get(i);
          long at = h.updatedAt().toEpochMilli();
          assertEquals(at, (long) lag.get(i)[0], "time of lag point " + i);
          double lagSeconds = (at - h.cursor().timestamp().toEpochMilli()) / 1000.0;
          assertEquals(lagSeconds, lag.get(i)[1], 0.0015, "lag point " + i);
          if (i > 0) {
            ShardCheckpoint before = rowsOfShard.get(i - 1);
            double perSecond = (h.recordsSynced() - before.recordsSynced())
                / ((at - before.updatedAt().toEpochMilli()) / 1000.0);
            assertEquals(perSecond, rate.get(i - 1)[1], 0.0015, "rows/s point " + i);
          }
        }
      }
      assertEquals(1, drawn.getOrDefault("deadLetters/dead letters", List.of()).size(),
          "one point per dead letter");
    }
  }

  private static List<String> with(List<String> args, String... more) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of(more));
    return all;
  }

  /** The page's DOM after its script ran, as headless chromium dumps it. */
  private static String renderedDom(Path page) throws Exception {
    Path profile = Files.createTempDirectory("chromium-profile");
    Process chromium = new ProcessBuilder("chromium", "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
        "--dump-dom", page.toUri().toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String dom = new String(chromium.getInputStream().readAllBytes());
    assertTrue(chromium.waitFor(60, TimeUnit.SECONDS), "chromium did not end");
    assertEquals(0, chromium.exitValue(), "chromium's exit status");
    return dom;
  }

  /** The drawn points by "chart/series": each its time (ms) and value. */
  private static Map<String, List<double[]>> points(String dom) {
    Map<String, List<double[]>> points = new HashMap<>();
    Matcher matcher = POINT.matcher(dom);
    while (matcher.find()) {
      points.computeIfAbsent(matcher.group(1) + "/" + matcher.group(2), k -> new ArrayList<>())
          .add(new double[] {Double.parseDouble(matcher.group(3)),
              Double.parseDouble(matcher.group(4))});
    }
    return points;
  }
}
