package io.bqharpersync.it;

import io.bqharpersync.tools.LocalHarperCluster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bqharpersync.bqlocal.RunningStandIn;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.tools.ClusterVerifier;
import io.bqharpersync.tools.SourceSnapshot;
import io.bqharpersync.tools.TelemetryGenerator;
import io.bqharpersync.tools.TelemetryTable;
import io.bqharpersync.record.Micros;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The job's JVM is killed with SIGKILL at random points, three times, and restarted each time; the
 * fourth run finishes. Harper must then equal the source exactly. Reports how many rows were
 * written more than once (Harper's update time later than its creation time).
 */
class SyncCrashIT {
  private static final int ROWS = 60_000;
  private static final int SHARDS = 4;
  private static final int PAGE_ROWS = 1000;
  private static final int PAGES_IN_FLIGHT = 2;

  @Test
  void killedThreeTimesTheJobStillDeliversExactlyTheSource() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    try (RunningStandIn bigquery = new RunningStandIn(); HarperClient harper = LocalHarperCluster.client()) {
      SyncFixture sync = new SyncFixture(bigquery.client, bigquery.server.endpoint(), "crash");
      long start = Micros.now() - 7_200_000_000L;
      TelemetryTable.insert(bigquery.client, sync.table,
          new TelemetryGenerator(sync.name).rows(0, ROWS, start, 50_000, 2));
      List<String> args = sync.args("backfill", SHARDS, "--pageRows=" + PAGE_ROWS,
          "--maxPagesInFlight=" + PAGES_IN_FLIGHT,
          // A fixed end, so every restart reads to the same point.
          "--backfillUntil=" + Instant.now().minusSeconds(5));
      Path log = Path.of("target", "crash-it-job.log");

      for (int kill = 1; kill <= 3; kill++) {
        // Kill at a random point after the run has committed something of its own, so that each
        // kill lands mid-write rather than during start-up.
        Process job = SyncJobProcess.start(args, log);
        long progressMillis = SyncJobProcess.awaitFirstCommit(job, sync, harper, SHARDS, 120);
        long afterMillis = random.nextInt(2_500);
        boolean ended = job.waitFor(afterMillis, TimeUnit.MILLISECONDS);
        if (!ended) {
          job.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        System.out.printf("crash test (seed %d): run %d %s %d ms after its first commit (at %d ms);"
            + " committed %d of %d rows%n", seed, kill, ended ? "ENDED BY ITSELF" : "killed (SIGKILL)",
            afterMillis, progressMillis, SyncJobProcess.committed(sync, harper, SHARDS), ROWS);
        assertTrue(!ended && SyncJobProcess.committed(sync, harper, SHARDS) < ROWS,
            "run " + kill + " was killed while rows were still to be written");
      }
      Process last = SyncJobProcess.start(args, log);
      assertTrue(last.waitFor(240, TimeUnit.SECONDS), "final run finished within 240 s");
      assertEquals(0, last.exitValue(), "final run's exit status; see " + log);

      SourceSnapshot source = SourceSnapshot.read(bigquery.client, sync.table, "id", "timestamp");
      assertEquals(ROWS, source.rows.size());
      for (ClusterVerifier.NodeReport report
          : SyncFixture.verify(harper, source, sync.name, java.time.Duration.ofSeconds(60))) {
        assertTrue(report.ok(), "node differs from the source: " + report);
      }
      Set<String> ids = new HashSet<>();
      long[] rewritten = {0};
      long read = harper.scan(0, SyncFixture.DB, SyncFixture.TABLE, "id", sync.name, 2000, row -> {
        ids.add(row.path("id").asText());
        if (row.path("harperUpdatedAt").asDouble() > row.path("harperCreatedAt").asDouble()) {
          rewritten[0]++;
        }
      });
      assertEquals(read, ids.size(), "no primary key appears twice");
      assertEquals(ROWS, SyncJobProcess.committed(sync, harper, SHARDS), "checkpoints count every row once");
      System.out.printf("crash test (seed %d): %d rows, %d written more than once (%.1f%%)%n",
          seed, ROWS, rewritten[0], 100.0 * rewritten[0] / ROWS);
      // What a crash can make the next job write again is what was in flight: per shard,
      // --maxPagesInFlight pages of --pageRows rows.
      assertTrue(rewritten[0] <= 3L * SHARDS * PAGES_IN_FLIGHT * PAGE_ROWS,
          rewritten[0] + " rows rewritten, more than three kills' worth of in-flight pages");
    }
  }

  @Test
  void aContinuousSyncKilledWhileRowsArriveStillDeliversEveryRow() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    try (RunningStandIn bigquery = new RunningStandIn(); HarperClient harper = LocalHarperCluster.client()) {
      SyncFixture sync = new SyncFixture(bigquery.client, bigquery.server.endpoint(), "crashlive");
      TelemetryGenerator rows = new TelemetryGenerator(sync.name);
      long start = Micros.now() - 3_600_000_000L;
      TelemetryTable.insert(bigquery.client, sync.table, rows.rows(0, 20_000, start, 100_000, 2));
      List<String> args = sync.args("continuous", 3, "--pageRows=2000", "--pollInterval=500ms",
          "--safetyLag=1s",
          "--lookback=30s", "--rescanInterval=2s", "--maxBufferingDuration=500ms");
      Path log = Path.of("target", "crash-it-live-job.log");

      // 400 rows/s for 30 s, four to a timestamp, one in 40 stamped 5 s late; meanwhile the job
      // is killed twice and restarted.
      long[] inserted = {0};
      Thread inserter = new Thread(() -> {
        try {
          inserted[0] = rows.insertAtRate(bigquery.client, sync.table, 20_000, 400,
              java.time.Duration.ofSeconds(30), 4, 40, java.time.Duration.ofSeconds(5));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      inserter.start();
      Process job = SyncJobProcess.start(args, log);
      try {
        for (int kill = 1; kill <= 2; kill++) {
          // As above: a random point after this run's first commit.
          long before = SyncJobProcess.committed(sync, harper, 3);
          SyncJobProcess.awaitFirstCommit(job, sync, harper, 3, 60);
          long afterMillis = random.nextInt(3_000);
          assertTrue(!job.waitFor(afterMillis, TimeUnit.MILLISECONDS), "the job runs until killed");
          job.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
          System.out.printf("crash test, continuous (seed %d): killed run %d %d ms after its first"
              + " commit; committed %d rows%n", seed, kill, afterMillis, SyncJobProcess.committed(sync, harper, 3));
          assertTrue(SyncJobProcess.committed(sync, harper, 3) > before, "run " + kill + " committed rows");
          job = SyncJobProcess.start(args, log);
        }
        inserter.join();
        SourceSnapshot source = SourceSnapshot.read(bigquery.client, sync.table, "id", "timestamp");
        assertEquals(20_000 + inserted[0], source.rows.size());
        // The bound: every row on every node within 60 s of the last insert.
        for (ClusterVerifier.NodeReport report
            : SyncFixture.verify(harper, source, sync.name, java.time.Duration.ofSeconds(60))) {
          assertTrue(report.ok(), "node differs from the source: " + report);
        }
      } finally {
        job.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Waits, at most {@code boundSeconds}, until the job just started has committed rows of its
   * own (or has ended); returns how long that took.
   */
}
