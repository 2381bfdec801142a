package io.bqharpersync.tools;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.TableId;
import io.bqharpersync.checkpoint.CheckpointStore;
import io.bqharpersync.checkpoint.ShardCheckpoint;
import io.bqharpersync.checkpoint.ShardLayout;
import io.bqharpersync.checkpoint.SyncPhase;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.pipeline.LiveProgress;
import io.bqharpersync.pipeline.SyncOptions;
import io.bqharpersync.record.Micros;
import io.bqharpersync.retry.RetryPolicy;
import io.bqharpersync.source.BigQueryShardReader;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * How fast a continuous sync drains a backlog while rows keep arriving, and whether it reports
 * the phase change catchup → steady:
 *
 * <ol>
 *   <li>a continuous sync of an empty table runs while {@code --rate} rows/s arrive, until every
 *       shard is steady;
 *   <li>the job is cancelled for {@code --outageSeconds} (real time: a shard reports catchup only
 *       when its lag exceeds the steady bound of five minutes, and an outage of a whole hour would
 *       be too long to wait for). The rows keep arriving, and the rest of {@code --backlogSeconds}
 *       of rows at {@code --rate} is inserted in bulk, with timestamps spread over the outage but
 *       its last five minutes: as after a real outage of that length, the last five minutes of
 *       the backlog hold only the inflow, so a shard turns steady where it would in production;
 *   <li>the same sync is started again and every shard's checkpoint is read every second until
 *       every shard's cursor is within 10 s of now (drained), at most {@code --backlogSeconds}.
 * </ol>
 *
 * The backlog is every row inserted between the cancel and the restart; its drain rate is the
 * backlog over the time from the restart until drained, against the goal of twice the inflow.
 */
public final class CatchupBenchmark {
  private static final Duration DRAINED_LAG = Duration.ofSeconds(10);

  public static void main(String[] args) throws Exception {
    CommandLine line = new CommandLine(args,
        Set.of("backlogSeconds", "rate", "outageSeconds", "runnerConfig", "endpoint"));
    long backlogSeconds = line.positiveLong("backlogSeconds", 3600);
    int rate = (int) line.positiveLong("rate", 1000);
    long outageSeconds = line.positiveLong("outageSeconds", 360);
    String runnerConfig = line.string("runnerConfig", LocalSync.RUNNER_CONFIG);
    String endpoint = line.string("endpoint", "http://127.0.0.1:9050");
    long bulkWindowSeconds = outageSeconds - SyncPhase.STEADY_LAG.toSeconds();
    if (bulkWindowSeconds < 10) {
      throw new IllegalArgumentException("--outageSeconds must be at least "
          + (SyncPhase.STEADY_LAG.toSeconds() + 10) + ": a shard reports catchup only behind "
          + SyncPhase.STEADY_LAG);
    }
    String run = "catchup-" + Long.toString(System.currentTimeMillis(), 36);
    BigQuery bigquery = BigQueryShardReader.client("local-project", endpoint, Duration.ofMinutes(5));
    TableId table = TableId.of("local-project", "bench", run.replace('-', '_'));
    TelemetryTable.create(bigquery, table);
    SyncOptions options =
        LocalSync.syncOptions(runnerConfig, table, endpoint, run, "--mode=continuous");
    ShardLayout layout = new ShardLayout(run, options.getPartitionExpression(), options.getShards());
    HarperClient harper = new HarperClient(LocalHarperCluster.connection());
    CheckpointStore checkpoints = new CheckpointStore(harper, "data", RetryPolicy.defaults());
    System.out.printf("inflow %,d rows/s; backlog %,d s of it (%,d rows) after an outage of %d s;"
            + " %s on %s, %d shards%n", rate, backlogSeconds, rate * backlogSeconds, outageSeconds,
        LocalSync.PIPELINE_FILE, runnerConfig, options.getShards());

    AtomicBoolean inserting = new AtomicBoolean(true);
    TelemetryGenerator live = new TelemetryGenerator(run);
    Thread inflow = new Thread(() -> {
      try {
        live.insertWhile(inserting::get, bigquery, table, 0, rate, 4, 0, Duration.ZERO);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "inflow");
    // insertWhile reports its count only at the end; the count at any moment is its rate's.
    long inflowStarted = System.nanoTime();
    inflow.start();

    StartedSync job = StartedSync.start(options);
    System.out.println("1. sync started " + job.describe() + "; waiting until every shard is steady");
    waitUntil(() -> everyShard(checkpoints, layout, c -> c.phase() == SyncPhase.STEADY),
        Duration.ofMinutes(5), "every shard steady before the outage");
    job.cancel();
    long stopped = System.nanoTime();
    long stoppedMicros = Micros.now();
    long insertedAtStop = rowsDue(rate, inflowStarted, stopped);
    long bulkRows = Math.max(0, rate * (backlogSeconds - outageSeconds));
    System.out.printf("2. job cancelled; rows keep arriving for %d s, and %,d more are inserted in"
        + " bulk with timestamps over its first %d s%n", outageSeconds, bulkRows, bulkWindowSeconds);
    if (bulkRows > 0) {
      long bulkStarted = System.nanoTime();
      new TelemetryGenerator(run + "-backlog").insertRows(bigquery, table, bulkRows, stoppedMicros,
          Math.max(1, bulkWindowSeconds * 1_000_000L * 3 / bulkRows), 3);
      System.out.printf("   %,d rows inserted in bulk in %.0f s%n", bulkRows,
          (System.nanoTime() - bulkStarted) / 1e9);
    }
    long restartAt = stopped + Duration.ofSeconds(outageSeconds).toNanos();
    Thread.sleep(Math.max(0, (restartAt - System.nanoTime()) / 1_000_000));

    long restarted = System.nanoTime();
    long backlog = rowsDue(rate, inflowStarted, restarted) - insertedAtStop + bulkRows;
    long committedAtRestart =
        new LiveProgress(harper, "data", layout, () -> -1, System.out).synced();
    job = StartedSync.start(options);
    System.out.printf("3. sync restarted after %.0f s with a backlog of %,d rows; every shard read"
        + " every second%n", (restarted - stopped) / 1e9, backlog);

    SyncPhase[] phases = new SyncPhase[layout.shards()];
    String[] changes = new String[layout.shards()];
    Arrays.fill(changes, "");
    double drainedAfter = -1;
    long committed = committedAtRestart;
    long deadline = restarted + Duration.ofSeconds(Math.max(600, backlogSeconds)).toNanos();
    long nextLine = restarted;
    while (System.nanoTime() < deadline) {
      Thread.sleep(1000);
      double since = (System.nanoTime() - restarted) / 1e9;
      Instant now = Instant.now();
      boolean drained = true;
      StringBuilder lags = new StringBuilder();
      committed = 0;
      for (int shard = 0; shard < layout.shards(); shard++) {
        Optional<ShardCheckpoint> checkpoint = checkpoints.read(layout, shard);
        if (checkpoint.isEmpty()) {
          drained = false;
          continue;
        }
        committed += checkpoint.get().recordsSynced();
        SyncPhase phase = checkpoint.get().phase();
        if (phase != phases[shard]) {
          changes[shard] += String.format(" %s at %.0f s", phase.label(), since);
          phases[shard] = phase;
        }
        Duration lag = Duration.between(checkpoint.get().cursor().timestamp(), now);
        drained &= lag.compareTo(DRAINED_LAG) <= 0;
        lags.append(String.format(" s%d=%.0fs(%s)", shard, lag.toMillis() / 1e3, phase.label()));
      }
      if (System.nanoTime() >= nextLine) {
        System.out.printf("   +%.0f s: %,d rows committed since the restart | lag%s%n", since,
            committed - committedAtRestart, lags);
        nextLine += 10_000_000_000L;
      }
      if (drained) {
        drainedAfter = since;
        break;
      }
    }
    long committedSince = committed - committedAtRestart;
    job.cancel();
    inserting.set(false);
    inflow.join();
    harper.close();

    for (int shard = 0; shard < layout.shards(); shard++) {
      System.out.printf("shard %d phases after the restart:%s%n", shard, changes[shard]);
    }
    if (drainedAfter < 0) {
      System.out.printf("not drained within %d s: %,d rows committed since the restart%n",
          Math.max(600, backlogSeconds), committedSince);
      System.out.println("drain rate: not reached");
      System.exit(1);
    }
    double drainRate = backlog / drainedAfter;
    System.out.printf("drained after %.0f s: %,d rows committed since the restart (%,.0f rows/s"
        + " while %,d rows/s arrived)%n", drainedAfter, committedSince,
        committedSince / drainedAfter, rate);
    System.out.printf("drain rate: %,.0f rows/s of backlog = %.2f × the inflow (goal ≥ 2)%n",
        drainRate, drainRate / rate);
    System.exit(0);
  }

  /** Rows the inflow has inserted by {@code nanos}, from its rate. */
  private static long rowsDue(int rate, long startedNanos, long nanos) {
    return (long) ((nanos - startedNanos) / 1e9 * rate);
  }

  private static boolean everyShard(CheckpointStore checkpoints, ShardLayout layout,
      Predicate<ShardCheckpoint> test) {
    for (int shard = 0; shard < layout.shards(); shard++) {
      Optional<ShardCheckpoint> checkpoint = checkpoints.read(layout, shard);
      if (checkpoint.isEmpty() || !test.test(checkpoint.get())) {
        return false;
      }
    }
    return true;
  }

  private static void waitUntil(BooleanSupplier done, Duration bound,
      String what) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not reached within " + bound + ": " + what);
      }
      Thread.sleep(1000);
    }
  }
}
