package io.bqharpersync.tools;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.TableId;
import io.bqharpersync.checkpoint.ShardLayout;
import io.bqharpersync.harper.DeadLetter;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.pipeline.LiveProgress;
import io.bqharpersync.pipeline.SyncOptions;
import io.bqharpersync.record.Micros;
import io.bqharpersync.source.BigQueryShardReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The local demonstration of the product's main job: seeds a BigQuery table in the stand-in,
 * runs the continuous sync (on the DirectRunner, or as {@code --runnerConfig} says), keeps
 * inserting rows (with ties, late rows and bad rows) while printing live progress, then verifies
 * every row on every node against the source and prints a summary. Exits 0 only when verification passed.
 */
public final class SyncDemo {
  public static void main(String[] args) throws Exception {
    CommandLine line =
        new CommandLine(args, Set.of("rows", "duration", "rate", "endpoint", "runnerConfig"));
    long rows = line.positiveLong("rows", 200_000);
    long duration = line.positiveLong("duration", 30);
    int rate = (int) line.positiveLong("rate", 1_000);
    String endpoint = line.string("endpoint", "http://127.0.0.1:9050");
    String runnerConfig = line.string("runnerConfig", LocalSync.RUNNER_CONFIG);
    String run = "demo-" + Long.toString(System.currentTimeMillis(), 36);
    TableId table = TableId.of("local-project", "demo", run.replace('-', '_'));
    BigQuery bigquery = BigQueryShardReader.client("local-project", endpoint, Duration.ofSeconds(60));
    TelemetryGenerator generator = new TelemetryGenerator(run);

    long nowMicros = Micros.now();
    long step = Math.max(1, 48L * 3600 * 1_000_000 / rows);
    System.out.printf("1. seeding %,d rows over the last 48 h into %s (three rows per timestamp)%n",
        rows, TelemetryTable.qualifiedName(table));
    TelemetryTable.create(bigquery, table);
    generator.insertRows(bigquery, table, rows, nowMicros - 48L * 3600 * 1_000_000, step * 3, 3);

    SyncOptions options = LocalSync.syncOptions(runnerConfig, table, endpoint, run);
    System.out.printf("2. starting the continuous sync (%s + %s), %d shards%n",
        LocalSync.PIPELINE_FILE, runnerConfig, options.getShards());
    long started = System.nanoTime();
    StartedSync job = StartedSync.start(options);
    System.out.println("   running " + job.describe());

    HarperClient harper = new HarperClient(LocalHarperCluster.connection());
    LiveProgress progress = new LiveProgress(harper, "data",
        new ShardLayout(run, options.getPartitionExpression(), options.getShards()), () -> -1,
        System.out);
    AtomicBoolean inserting = new AtomicBoolean(true);
    AtomicLong liveSince = new AtomicLong();
    long[] inserted = {0};
    Thread inserter = new Thread(() -> {
      try {
        waitFor(() -> progress.synced() >= rows, Duration.ofMinutes(20));
        System.out.printf("3. initial rows synced; inserting %d rows/s for %d s "
            + "(4 per timestamp, 1 in 25 stamped 20 s late, plus rows without id or timestamp)%n",
            rate, duration);
        liveSince.set(System.nanoTime());
        inserted[0] = generator.insertAtRate(bigquery, table, rows, rate,
            Duration.ofSeconds(duration), 4, 25, Duration.ofSeconds(20));
        List<Map<String, Object>> bad = new ArrayList<>();
        bad.add(generator.badRow(rows + inserted[0], Micros.now(), TelemetryGenerator.Bad.NULL_ID, 0));
        bad.add(generator.badRow(rows + inserted[0] + 1, Micros.now(),
            TelemetryGenerator.Bad.NULL_TIMESTAMP, 0));
        TelemetryTable.insert(bigquery, table, bad);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        inserting.set(false);
      }
    }, "inserter");
    inserter.start();
    // The committed count is sampled every 250 ms while rows arrive: its longest stand-still is
    // how far the pipeline moves in bursts rather than as a stream.
    CommitStall stall = new CommitStall();
    long nextLine = System.nanoTime() + 2_000_000_000L;
    while (inserting.get()) {
      Thread.sleep(250);
      try {
        long synced = progress.synced();
        stall.sample(synced, System.nanoTime(), liveSince.get());
      } catch (RuntimeException e) {
        // A read Harper did not answer: no sample; the progress line says so.
      }
      if (System.nanoTime() >= nextLine) {
        System.out.println("   " + progress.line());
        nextLine += 2_000_000_000L;
      }
    }
    inserter.join();

    System.out.println("4. inserts stopped; verifying every row on every node against the source");
    SourceSnapshot source = SourceSnapshot.read(bigquery, table, "id", "timestamp");
    List<ClusterVerifier.NodeReport> reports = new ClusterVerifier(harper, "data", "BigQueryData")
        .verify(run, source.rows.size(), source.rows::get, Duration.ofSeconds(120));
    double seconds = (System.nanoTime() - started) / 1e9;
    long deadLetters = deadLetters(harper, run);
    for (int wait = 0; wait < 30 && deadLetters < source.badRows.size(); wait++) {
      // The rows without a timestamp are found by shard 0's periodic count.
      Thread.sleep(1000);
      deadLetters = deadLetters(harper, run);
    }
    System.out.println("   " + progress.line());
    job.cancel();

    boolean ok = true;
    for (ClusterVerifier.NodeReport report : reports) {
      System.out.println("   " + report + (report.ok() ? "  OK" : "  MISMATCH"));
      ok &= report.ok() && report.read == source.rows.size();
    }
    ok &= deadLetters == source.badRows.size();
    System.out.printf("5. summary: %,d rows in BigQuery (%,d seeded + %,d inserted live), %,d bad rows"
            + " -> %,d dead letters; every node read in full; %.0f s in all%n",
        source.rows.size() + source.badRows.size(), rows, inserted[0] + 2, source.badRows.size(),
        deadLetters, seconds);
    System.out.println("   " + stall.describe(options));
    System.out.println(ok ? "RESULT: OK, every node holds every row, field for field"
        : "RESULT: FAILED");
    harper.close();
    System.exit(ok ? 0 : 1);
  }

  /**
   * How the committed count moved once live rows arrived: how long after the first live insert it
   * first moved (the first rows wait out --safetyLag before a poll may read them), and after that
   * the longest time it stood still.
   */
  private static final class CommitStall {
    private long count = -1;
    private long firstMove = -1;
    private long since;
    private long longest;
    private long longestSince;
    private long liveSince;

    /** @param liveSinceNanos when the live inserts began, 0 before */
    void sample(long now, long nanos, long liveSinceNanos) {
      boolean moved = now != count;
      count = now;
      if (liveSinceNanos == 0) {
        return;
      }
      liveSince = liveSinceNanos;
      if (firstMove < 0) {
        if (moved && nanos > liveSince) {
          firstMove = nanos - liveSince;
          since = nanos;
        }
        return;
      }
      if (moved) {
        since = nanos;
      }
      if (nanos - since > longest) {
        longest = nanos - since;
        longestSince = since;
      }
    }

    String describe(SyncOptions options) {
      if (firstMove < 0) {
        return "the committed count never moved while rows arrived";
      }
      return String.format("the committed count first moved %.2f s after the first live insert"
              + " (--safetyLag + --pollInterval + --maxBufferingDuration = %s + %s + %s); after that"
              + " it stood still at most %.2f s, from %.2f s (--maxBufferingDuration + --pollInterval"
              + " = %s + %s; sampled every 250 ms)",
          firstMove / 1e9, options.getSafetyLag(), options.getPollInterval(),
          options.getMaxBufferingDuration(), longest / 1e9, (longestSince - liveSince) / 1e9,
          options.getMaxBufferingDuration(), options.getPollInterval());
    }
  }

  /** The bad rows of {@code syncName} in the dead-letter table, by id. */
  private static long deadLetters(HarperClient harper, String syncName) {
    Set<String> ids = new HashSet<>();
    DeadLetter.scan(harper, 0, "data", syncName, letter -> ids.add(letter.path("id").asText()));
    return ids.size();
  }

  private static void waitFor(BooleanSupplier done, Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(1000);
    }
  }
}
