package io.bqharpersync.tools;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.TableId;
import io.bqharpersync.bqlocal.BigQueryStandIn;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.harper.HarperConnection;
import io.bqharpersync.pipeline.RunnerDefaults;
import io.bqharpersync.pipeline.SyncOptions;
import io.bqharpersync.pipeline.SyncPipeline;
import io.bqharpersync.record.Micros;
import io.bqharpersync.source.BigQueryShardReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.PipelineResult;

/**
 * End-to-end figures of the sync job on the DirectRunner (or the runner of {@code
 * --runnerConfig}), measured against the same cluster in the same run:
 *
 * <ul>
 *   <li>throughput: a backfill of {@code --rows} rows from the BigQuery stand-in (whole job, start
 *       to finish) against a plain batch-upsert loop of as many rows (one thread per node, rows
 *       serialized before the clock starts), alternating, after a warm-up of both;
 *   <li>lag: a continuous sync while rows are inserted at {@code --lagRate} rows/s for {@code
 *       --lagSeconds}; per row, the time Harper created it (its {@code harperCreatedAt}) minus the
 *       time it was inserted into BigQuery (its timestamp). Twice: with the pipeline file's
 *       pacing, and with the options' defaults (what a user without a pipeline file gets).
 * </ul>
 *
 * The last two lines are {@code lag p99: X s}, the greater of the two, and {@code ratio: X.XX},
 * the median of the per-round ratios.
 */
public final class SyncBenchmark {
  public static void main(String[] args) throws Exception {
    CommandLine line = new CommandLine(args,
        Set.of("rows", "rounds", "lagRate", "lagSeconds", "runnerConfig"));
    long rows = line.positiveLong("rows", 100_000);
    int rounds = (int) line.positiveLong("rounds", 5);
    int lagRate = (int) line.positiveLong("lagRate", 2_000);
    long lagSeconds = line.positiveLong("lagSeconds", 30);
    String runnerConfig = line.string("runnerConfig", LocalSync.RUNNER_CONFIG);
    HarperConnection harper = LocalHarperCluster.connection();
    String run = "bench-" + Long.toString(System.currentTimeMillis(), 36);

    try (BigQueryStandIn server = BigQueryStandIn.start("127.0.0.1", 0)) {
      BigQuery bigquery = BigQueryShardReader.client("local-project", server.endpoint(),
          Duration.ofSeconds(60));
      System.out.printf("rows per measurement: %,d; pipeline: %s on %s; nodes: %s%n", rows,
          LocalSync.PIPELINE_FILE, runnerConfig, harper.nodes());
      // Unmeasured warm-up of both paths.
      HarperWriteBenchmark.plainLoop(harper, new TelemetryPages(run + "-warmplain", rows / 4, 4, 1000), 1000);
      backfill(runnerConfig, bigquery, server.endpoint(), run + "-warmsync", rows / 4);

      double[] plain = new double[rounds];
      double[] sync = new double[rounds];
      double[] ratios = new double[rounds];
      double[] replicatedRatios = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        TelemetryPages forPlain = new TelemetryPages(run + "-plain" + round, rows, 4, 1000);
        Timed plainPath;
        Timed syncPath;
        if (round % 2 == 0) {
          plainPath = plainLoop(harper, forPlain);
          syncPath = backfill(runnerConfig, bigquery, server.endpoint(), run + "-sync" + round, rows);
        } else {
          syncPath = backfill(runnerConfig, bigquery, server.endpoint(), run + "-sync" + round, rows);
          plainPath = plainLoop(harper, forPlain);
        }
        plain[round] = plainPath.ackedRate();
        sync[round] = syncPath.ackedRate();
        ratios[round] = sync[round] / plain[round];
        replicatedRatios[round] = syncPath.replicatedRate() / plainPath.replicatedRate();
        System.out.printf("round %d: raw Harper upsert loop %,.0f rows/s, sync job %,.0f rows/s,"
                + " ratio %.2f; until the nodes were quiet: %,.0f and %,.0f rows/s, ratio %.2f%n",
            round + 1, plain[round], sync[round], ratios[round], plainPath.replicatedRate(),
            syncPath.replicatedRate(), replicatedRatios[round]);
      }

      double fileLagP99 = lag(runnerConfig, bigquery, server.endpoint(), harper, run + "-lag",
          lagRate, lagSeconds, false);
      double defaultLagP99 = lag(runnerConfig, bigquery, server.endpoint(), harper,
          run + "-lagdefaults", lagRate, lagSeconds, true);

      System.out.printf("raw Harper upsert loop, median: %,.0f rows/s%n",
          HarperWriteBenchmark.median(plain));
      System.out.printf("sync job (backfill, BigQuery to Harper), median: %,.0f rows/s%n",
          HarperWriteBenchmark.median(sync));
      System.out.printf("lag p99, %s: %.2f s; README's default pacing: %.2f s%n",
          LocalSync.PIPELINE_FILE, fileLagP99, defaultLagP99);
      // The goal holds for both, so the line the goal is read from gives the greater.
      System.out.printf("lag p99: %.2f s%n", Math.max(fileLagP99, defaultLagP99));
      System.out.printf("ratio until the nodes were quiet (replication applied), median: %.2f%n",
          HarperWriteBenchmark.median(replicatedRatios));
      System.out.printf("ratio: %.2f%n", HarperWriteBenchmark.median(ratios));
    }
    System.exit(0);
  }

  /**
   * A write path's time: until its last write was acknowledged, and then until the Harper nodes
   * went quiet, their peers having applied the replicated rows.
   */
  private record Timed(long rows, double ackedSeconds, double quietAfterSeconds) {
    double ackedRate() {
      return rows / ackedSeconds;
    }

    double replicatedRate() {
      return rows / (ackedSeconds + quietAfterSeconds);
    }
  }

  private static Timed plainLoop(HarperConnection harper, TelemetryPages rows) throws Exception {
    double rate = HarperWriteBenchmark.plainLoop(harper, rows, 1000);
    double quiet = LocalProcessCpu.secondsUntilHarperQuiet();
    System.out.printf("  plain loop: the nodes were quiet %.1f s after its last write%n", quiet);
    return new Timed(rows.count(), rows.count() / rate, quiet);
  }

  /** Seeds a table of {@code rows} rows, then times a whole backfill job of it. */
  private static Timed backfill(String runnerConfig, BigQuery bigquery, String endpoint,
      String name, long rows) throws Exception {
    TableId table = seed(bigquery, name, rows);
    SyncOptions options =
        LocalSync.syncOptions(runnerConfig, table, endpoint, name, "--mode=backfill");
    RunnerDefaults.apply(options);
    LocalProcessCpu before = LocalProcessCpu.now();
    long started = System.nanoTime();
    PipelineResult.State state = SyncPipeline.run(options).waitUntilFinish();
    double seconds = (System.nanoTime() - started) / 1e9;
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("backfill " + name + " ended " + state);
    }
    String cpu = LocalProcessCpu.now().perRowSince(before, rows);
    double quiet = LocalProcessCpu.secondsUntilHarperQuiet();
    System.out.printf("  sync job: %,d rows in %.1f s, the nodes quiet %.1f s later; CPU: %s%n",
        rows, seconds, quiet, cpu);
    return new Timed(rows, seconds, quiet);
  }

  /**
   * Runs a continuous sync while rows arrive at {@code rate}; p99 insert-to-Harper lag, s. With
   * {@code defaultPacing} the safety lag, intervals and buffering are the options' defaults instead
   * of the pipeline file's.
   */
  private static double lag(String runnerConfig, BigQuery bigquery, String endpoint,
      HarperConnection harper, String name, int rate, long seconds, boolean defaultPacing)
      throws Exception {
    TableId table = seed(bigquery, name, 0);
    SyncOptions options =
        LocalSync.syncOptions(runnerConfig, table, endpoint, name, "--mode=continuous");
    if (defaultPacing) {
      LocalSync.withDefaultPacing(options);
    }
    StartedSync job = StartedSync.start(options);
    Thread.sleep(5_000);
    TelemetryGenerator generator = new TelemetryGenerator(name);
    long inserted = generator.insertAtRate(bigquery, table, 0, rate, Duration.ofSeconds(seconds),
        4, 0, Duration.ZERO);
    List<Double> lags = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    try (HarperClient client = new HarperClient(harper)) {
      while (true) {
        lags.clear();
        client.scan(0, "data", "BigQueryData", "id", name, 5000, row -> {
          double insertedMillis = Instant.parse(row.path("timestamp").asText()).toEpochMilli();
          lags.add(row.path("harperCreatedAt").asDouble() - insertedMillis);
        });
        if (lags.size() >= inserted || System.nanoTime() > deadline) {
          break;
        }
        Thread.sleep(1000);
      }
    } finally {
      job.cancel();
    }
    Collections.sort(lags);
    System.out.printf("lag at %,d rows/s for %d s, safety lag %s, poll %s, buffering %s"
            + " (%,d rows inserted, %,d found): median %.2f s, p99 %.2f s, max %.2f s%n", rate,
        seconds, options.getSafetyLag(), options.getPollInterval(),
        options.getMaxBufferingDuration(), inserted, lags.size(),
        percentile(lags, 0.50) / 1000, percentile(lags, 0.99) / 1000,
        lags.get(lags.size() - 1) / 1000);
    return percentile(lags, 0.99) / 1000;
  }

  private static TableId seed(BigQuery bigquery, String name, long rows) {
    TableId table = TableId.of("local-project", "bench", name.replace('-', '_'));
    TelemetryTable.create(bigquery, table);
    new TelemetryGenerator(name).insertRows(bigquery, table, rows,
        Micros.now() - 48L * 3600 * 1_000_000, 1_000_000, 3);
    return table;
  }

  private static double percentile(List<Double> sorted, double p) {
    return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
  }
}
