package io.bqharpersync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bqharpersync.bqlocal.RunningStandIn;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.record.Micros;
import io.bqharpersync.tools.ClusterVerifier;
import io.bqharpersync.tools.LocalHarperCluster;
import io.bqharpersync.tools.SourceSnapshot;
import io.bqharpersync.tools.TelemetryGenerator;
import io.bqharpersync.tools.TelemetryTable;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A table keyed by device, several reports per device: through a kill of the job, late reports
 * and a second backfill, every node must end with each device's newest report, field for field.
 */
class NewestRowIT {
  private static final int DEVICES = 3_000;
  private static final int REPORTS = 3;
  private static final int SHARDS = 4;

  @Test
  void everyNodeEndsWithEachKeysNewestRow() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    try (RunningStandIn bigquery = new RunningStandIn();
        HarperClient harper = LocalHarperCluster.client()) {
      SyncFixture sync = new SyncFixture(bigquery.client, bigquery.server.endpoint(), "newest");
      TelemetryGenerator generator = new TelemetryGenerator(sync.name);
      long now = Micros.now();
      // Reports at distinct random times between 3 h and 10 min ago, inserted in random order.
      Set<Long> used = new HashSet<>();
      Map<String, Long> newest = new HashMap<>();
      List<Map<String, Object>> reports = new ArrayList<>();
      for (int i = 0; i < DEVICES * REPORTS; i++) {
        long micros = distinct(used, random, now - 10_800_000_000L, now - 600_000_000L);
        reports.add(report(generator, i, i % DEVICES, micros));
        newest.merge(device(sync, i % DEVICES), micros, Math::max);
      }
      Collections.shuffle(reports, random);
      TelemetryTable.insert(bigquery.client, sync.table, reports);

      List<String> args = sync.args("backfill", SHARDS, "--pageRows=500", "--maxPagesInFlight=2",
          "--lookback=8h", "--rescanInterval=1m", "--backfillUntil=" + Instant.now().minusSeconds(5));
      Path log = Path.of("target", "newest-row-it-job.log");
      Process first = SyncJobProcess.start(args, log);
      SyncJobProcess.awaitFirstCommit(first, sync, harper, SHARDS, 120);
      boolean ended = first.waitFor(random.nextInt(1_500), TimeUnit.MILLISECONDS);
      first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      System.out.printf("newest-row test (seed %d): first run %s%n", seed,
          ended ? "ended by itself" : "killed with SIGKILL");
      assertFalse(ended, "the first run was killed while it wrote");
      assertFinishes(SyncJobProcess.start(args, log), log);

      // Late reports, 1 min to 6.8 h behind rows already synced: for some devices newer than
      // what Harper holds (they must replace it), for others older (they must not).
      List<Map<String, Object>> late = new ArrayList<>();
      for (int d = 0; d < 600; d++) {
        long held = newest.get(device(sync, d));
        long micros = d % 2 == 0
            ? distinct(used, random, held + 1, now - 600_000_000L)
            : distinct(used, random, now - 24_480_000_000L, held - 60_000_000L);
        late.add(report(generator, DEVICES * REPORTS + d, d, micros));
        newest.merge(device(sync, d), micros, Math::max);
      }
      TelemetryTable.insert(bigquery.client, sync.table, late);
      List<String> second = sync.args("backfill", SHARDS, "--pageRows=500", "--maxPagesInFlight=2",
          "--lookback=8h", "--rescanInterval=1m", "--backfillUntil=" + Instant.now().minusSeconds(1));
      assertFinishes(SyncJobProcess.start(second, log), log);

      SourceSnapshot source = SourceSnapshot.read(bigquery.client, sync.table, "id", "timestamp");
      assertEquals(DEVICES, source.rows.size());
      source.rows.forEach((id, row) -> assertEquals((long) newest.get(id),
          Micros.of(Instant.parse(row.path("timestamp").asText())), "the source's newest of " + id));
      for (ClusterVerifier.NodeReport node
          : SyncFixture.verify(harper, source, sync.name, Duration.ofSeconds(60))) {
        assertTrue(node.ok(), "node differs from each device's newest report: " + node);
      }
    }
  }

  private static void assertFinishes(Process job, Path log) throws InterruptedException {
    assertTrue(job.waitFor(240, TimeUnit.SECONDS), "the run finished within 240 s; see " + log);
    assertEquals(0, job.exitValue(), "exit status; see " + log);
  }

  private static String device(SyncFixture sync, int d) {
    return sync.name + "-device-" + d;
  }

  /** Report {@code i} of device {@code d}: the table's key column holds the device. */
  private static Map<String, Object> report(TelemetryGenerator generator, int i, int d, long micros) {
    Map<String, Object> row = generator.row(i, micros);
    row.put("id", generator.idPrefix() + "-device-" + d);
    return row;
  }

  /** A timestamp in {@code [from, to)} that no other row of the test has. */
  private static long distinct(Set<Long> used, Random random, long from, long to) {
    long micros;
    do {
      micros = from + (long) (random.nextDouble() * (to - from)) / 1000 * 1000;
    } while (!used.add(micros));
    return micros;
  }
}
