package io.bqharpersync.tools;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.TableId;
import io.bqharpersync.record.Micros;
import io.bqharpersync.source.BigQueryShardReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The job's heap through a whole backfill: a table of {@code --rows} rows in the BigQuery stand-in
 * (its own process, {@code scripts/bq-local}), synced by {@code scripts/sync} (the job jar, the
 * DirectRunner, {@code pipelines/telemetry-local.yaml}) in a JVM capped at {@code --heap} with
 * its collections logged; prints the heap in use after each collection (the live data: its
 * greatest value is the bound), before it, and the rows/s.
 */
public final class MemoryBenchmark {
  /** {@code GC(12) Pause Young (Normal) (G1 Evacuation Pause) 120M->45M(256M) 5.1ms}. */
  private static final Pattern PAUSE = Pattern.compile("Pause.* (\\d+)M->(\\d+)M\\((\\d+)M\\)");

  public static void main(String[] args) throws Exception {
    CommandLine line = new CommandLine(args, Set.of("rows", "pageRows", "heap", "endpoint"));
    long rows = line.positiveLong("rows", 1_000_000);
    long pageRows = line.positiveLong("pageRows", 10_000);
    String heap = line.string("heap", "1g");
    String endpoint = line.string("endpoint", "http://127.0.0.1:9050");
    String run = "membench-" + Long.toString(System.currentTimeMillis(), 36);
    BigQuery bigquery = BigQueryShardReader.client("local-project", endpoint, Duration.ofMinutes(5));
    TableId table = TableId.of("local-project", "bench", run.replace('-', '_'));
    TelemetryTable.create(bigquery, table);
    long seeding = System.nanoTime();
    new TelemetryGenerator(run).insertRows(bigquery, table, rows,
        Micros.now() - 48L * 3600 * 1_000_000, Math.max(1, 48L * 3600 * 1_000_000 * 3 / rows), 3);
    System.out.printf("seeded %,d rows in %.0f s%n", rows, (System.nanoTime() - seeding) / 1e9);

    Path gcLog = Path.of("target", run + "-gc.log").toAbsolutePath();
    List<String> command = new ArrayList<>(List.of("scripts/sync",
        "--pipelineFile=" + LocalSync.PIPELINE_FILE, "--runnerConfig=" + LocalSync.RUNNER_CONFIG,
        "--sourceTable=" + TelemetryTable.qualifiedName(table), "--bigQueryEndpoint=" + endpoint,
        "--syncName=" + run, "--mode=backfill", "--pageRows=" + pageRows,
        "--progressInterval=30s"));
    ProcessBuilder sync = new ProcessBuilder(command).inheritIO();
    sync.environment().put("SYNC_JAVA_OPTS", "-Xmx" + heap + " -Xlog:gc:file=" + gcLog);
    long started = System.nanoTime();
    int exit = sync.start().waitFor();
    double seconds = (System.nanoTime() - started) / 1e9;
    if (exit != 0) {
      throw new IllegalStateException("the backfill exited " + exit);
    }
    long maxAfter = 0;
    long maxBefore = 0;
    int collections = 0;
    for (String entry : Files.readAllLines(gcLog)) {
      Matcher pause = PAUSE.matcher(entry);
      if (pause.find()) {
        collections++;
        maxBefore = Math.max(maxBefore, Long.parseLong(pause.group(1)));
        maxAfter = Math.max(maxAfter, Long.parseLong(pause.group(2)));
      }
    }
    System.out.printf("backfill of %,d rows, pageRows %,d, -Xmx%s: %.0f s (%,.0f rows/s, job JVM "
        + "start included), %d collections%n", rows, pageRows, heap, seconds, rows / seconds,
        collections);
    System.out.printf("heap in use after a collection, greatest: %,d MB%n", maxAfter);
    System.out.printf("heap in use before a collection, greatest: %,d MB%n", maxBefore);
    System.out.println("gc log: " + gcLog);
  }
}
