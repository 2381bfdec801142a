package io.bqharpersync.tools;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.TableId;
import io.bqharpersync.bqlocal.BigQueryStandIn;
import io.bqharpersync.harper.HarperConnection;
import io.bqharpersync.pipeline.RunnerDefaults;
import io.bqharpersync.pipeline.SyncOptions;
import io.bqharpersync.pipeline.SyncPipeline;
import io.bqharpersync.record.Cursor;
import io.bqharpersync.record.Micros;
import io.bqharpersync.retry.RetryPolicy;
import io.bqharpersync.source.BigQueryShardReader;
import io.bqharpersync.source.ReadShardFn;
import io.bqharpersync.source.ReadWindow;
import io.bqharpersync.source.ShardQuery;
import io.bqharpersync.source.SourceRow;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/**
 * A check of the throughput model of {@code docs/scaling.md} at several shard counts, with every
 * input of the model measured in the same round on the same cluster:
 *
 * <ul>
 *   <li>{@code r}, one shard reader's rows/s: a table read page by page (shard 0 of 1) from the
 *       embedded stand-in, every query delayed by {@code --queryLatencyMillis} as a BigQuery job
 *       is, over the queries that return rows;
 *   <li>{@code h}, the cluster's rows/s: the plain batch-upsert loop of {@code scripts/bench};
 *   <li>{@code F(S)}, the fixed cost of a job of S shards: a whole backfill of an empty table
 *       (start, preflight, each shard's first and last query, the commit of the end).
 * </ul>
 *
 * The model predicts a backfill of N rows at S shards to take {@code F(S) + N / min(S × r, h)}:
 * readers bound it until S × r reaches what the cluster takes. Each round then times a backfill of
 * N new rows at each S and prints predicted against measured rows/s. The job's CPU per row in this
 * JVM is printed beside it (the stand-in runs here too, so the read's own CPU per row is printed
 * for subtraction).
 */
public final class ScalingBenchmark {
  public static void main(String[] args) throws Exception {
    CommandLine line = new CommandLine(args,
        Set.of("rows", "pageRows", "queryLatencyMillis", "shards", "rounds"));
    long rows = line.positiveLong("rows", 60_000);
    int pageRows = (int) line.positiveLong("pageRows", 2_000);
    long latencyMillis = line.positiveLong("queryLatencyMillis", 1_000);
    int[] shardCounts = Arrays.stream(line.string("shards", "1,2,4").split(","))
        .mapToInt(text -> Integer.parseInt(text.trim())).toArray();
    int rounds = (int) line.positiveLong("rounds", 3);
    HarperConnection harper = LocalHarperCluster.connection();
    String run = "scale-" + Long.toString(System.currentTimeMillis(), 36);

    try (BigQueryStandIn server = BigQueryStandIn.start("127.0.0.1", 0)) {
      server.queryLatency(Duration.ofMillis(latencyMillis));
      BigQuery bigquery = BigQueryShardReader.client("local-project", server.endpoint(),
          Duration.ofSeconds(60));
      System.out.printf("rows per backfill: %,d; pageRows %,d; every query delayed %d ms;"
          + " shards %s; %s on %s%n", rows, pageRows, latencyMillis, Arrays.toString(shardCounts),
          LocalSync.PIPELINE_FILE, LocalSync.RUNNER_CONFIG);
      // Unmeasured warm-up of every path.
      readerRate(bigquery, seed(bigquery, run + "-warmread", rows / 4), pageRows);
      HarperWriteBenchmark.plainLoop(harper, new TelemetryPages(run + "-warmplain", rows / 4, 4, 1000), 1000);
      backfill(bigquery, server.endpoint(), run + "-warmsync", rows / 4, 4, pageRows);

      double[][] ratios = new double[shardCounts.length][rounds];
      for (int round = 0; round < rounds; round++) {
        double[] read = readerRate(bigquery, seed(bigquery, run + "-read" + round, rows), pageRows);
        double r = read[0];
        double h = HarperWriteBenchmark.plainLoop(harper,
            new TelemetryPages(run + "-plain" + round, rows, 4, 1000), 1000);
        System.out.printf("round %d: one reader r = %,.0f rows/s (%.0f µs CPU per row read);"
            + " raw Harper loop h = %,.0f rows/s%n", round + 1, r, read[1], h);
        for (int i = 0; i < shardCounts.length; i++) {
          // Alternate the order of the shard counts between rounds.
          int index = round % 2 == 0 ? i : shardCounts.length - 1 - i;
          int s = shardCounts[index];
          double[] fixed = backfill(bigquery, server.endpoint(), run + "-empty" + round + "s" + s,
              0, s, pageRows);
          double[] job = backfill(bigquery, server.endpoint(), run + "-sync" + round + "s" + s,
              rows, s, pageRows);
          double predictedSeconds = fixed[0] + rows / Math.min(s * r, h);
          double predicted = rows / predictedSeconds;
          double measured = rows / job[0];
          ratios[index][round] = measured / predicted;
          System.out.printf("  %d shard%s: F = %.1f s; predicted %,.0f rows/s (%s-bound),"
                  + " measured %,.0f rows/s (%.1f s, %.0f µs CPU per row, %.0f pages, %.0f reads"
                  + " held back for commits); measured/predicted %.2f%n",
              s, s == 1 ? "" : "s", fixed[0], predicted, s * r < h ? "reader" : "Harper", measured,
              job[0], job[1] / rows, job[2], job[3], ratios[index][round]);
        }
      }
      for (int i = 0; i < shardCounts.length; i++) {
        System.out.printf("%d shard%s: measured/predicted per round %s, median %.2f%n",
            shardCounts[i], shardCounts[i] == 1 ? "" : "s", format(ratios[i]),
            HarperWriteBenchmark.median(ratios[i]));
      }
    }
    System.exit(0);
  }

  /** Rows/s of one reader over the whole table, and its CPU (with the stand-in's) per row, µs. */
  private static double[] readerRate(BigQuery bigquery, TableId table, int pageRows) {
    ShardQuery query = ShardQuery.builder().table(TelemetryTable.qualifiedName(table))
        .columns(TelemetryTable.COLUMNS).idColumn("id").cursorColumn("timestamp").build();
    BigQueryShardReader reader = new BigQueryShardReader(bigquery, RetryPolicy.defaults(), () -> {});
    long cpu = HarperWriteBenchmark.processCpuNanos();
    long read = 0;
    Cursor cursor = Cursor.START;
    ReadWindow window = new ReadWindow(Duration.ofHours(1), Duration.ofDays(30));
    Instant limit = Instant.now();
    // Only the queries that return rows count: the last, empty one is part of a job's fixed cost
    // (a job of an empty table makes it too), not of its cost per row.
    long pagesNanos = 0;
    while (true) {
      long pageStarted = System.nanoTime();
      List<SourceRow> page = reader.nextPage(query, cursor, limit, pageRows, window);
      if (page.isEmpty()) {
        break;
      }
      pagesNanos += System.nanoTime() - pageStarted;
      read += page.size();
      cursor = page.get(page.size() - 1).cursor();
    }
    return new double[] {read / (pagesNanos / 1e9),
        (HarperWriteBenchmark.processCpuNanos() - cpu) / 1e3 / Math.max(1, read)};
  }

  /** A whole backfill job of {@code rows} new rows at {@code shards}: seconds and CPU µs. */
  private static double[] backfill(BigQuery bigquery, String endpoint, String name, long rows,
      int shards, int pageRows) throws Exception {
    TableId table = seed(bigquery, name, rows);
    SyncOptions options = LocalSync.syncOptions(LocalSync.RUNNER_CONFIG, table, endpoint, name,
        "--mode=backfill", "--shards=" + shards, "--pageRows=" + pageRows);
    RunnerDefaults.apply(options);
    long cpu = HarperWriteBenchmark.processCpuNanos();
    long started = System.nanoTime();
    PipelineResult result = SyncPipeline.run(options);
    PipelineResult.State state = result.waitUntilFinish();
    double seconds = (System.nanoTime() - started) / 1e9;
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("backfill " + name + " ended " + state);
    }
    return new double[] {seconds, (HarperWriteBenchmark.processCpuNanos() - cpu) / 1e3,
        counter(result, "pages_read"), counter(result, "reads_held_back")};
  }

  /** The sum over every step of the reader's counter {@code name}. */
  private static long counter(PipelineResult result, String name) {
    long sum = 0;
    for (MetricResult<Long> counter : result.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.named(ReadShardFn.class, name)).build()).getCounters()) {
      sum += counter.getAttempted();
    }
    return sum;
  }

  /**
   * A table of {@code rows} rows, three to a second, ending a minute ago: as in a table that is
   * being written, a shard finds its last page next to the backfill's end, with no stretch of
   * empty windows to widen through.
   */
  private static TableId seed(BigQuery bigquery, String name, long rows) {
    TableId table = TableId.of("local-project", "bench", name.replace('-', '_'));
    TelemetryTable.create(bigquery, table);
    long start = Micros.now() - 60_000_000L - rows / 3 * 1_000_000L;
    new TelemetryGenerator(name).insertRows(bigquery, table, rows, start, 1_000_000, 3);
    return table;
  }

  private static String format(double[] values) {
    StringBuilder text = new StringBuilder();
    for (double value : values) {
      text.append(text.length() == 0 ? "" : " / ").append(String.format("%.2f", value));
    }
    return text.toString();
  }
}
