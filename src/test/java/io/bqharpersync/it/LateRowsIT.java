package io.bqharpersync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bqharpersync.bqlocal.RunningStandIn;
import io.bqharpersync.checkpoint.ShardCheckpoint;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.pipeline.SyncPipeline;
import io.bqharpersync.record.Micros;
import io.bqharpersync.tools.ClusterVerifier;
import io.bqharpersync.tools.LocalHarperCluster;
import io.bqharpersync.tools.SourceSnapshot;
import io.bqharpersync.tools.TelemetryGenerator;
import io.bqharpersync.tools.TelemetryTable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rows that appear behind a shard's cursor, at the edges of the guarantee, in each mode. */
class LateRowsIT {
  private RunningStandIn bigquery;
  private HarperClient harper;

  @BeforeEach
  void start() throws Exception {
    bigquery = new RunningStandIn();
    harper = LocalHarperCluster.client();
  }

  @AfterEach
  void stop() throws Exception {
    harper.close();
    bigquery.close();
  }

  @Test
  void aBackfillFindsRowsThatArrivedBehindItsCheckpointWithinTheLookback() throws Exception {
    SyncFixture sync = new SyncFixture(bigquery.client, bigquery.server.endpoint(), "latebackfill");
    TelemetryGenerator rows = new TelemetryGenerator(sync.name);
    long now = Micros.now();
    TelemetryTable.insert(bigquery.client, sync.table,
        rows.rows(0, 4_000, now - 7_200_000_000L, 1_800_000L, 1));
    List<String> first = sync.args("backfill", 4, "--lookback=8h", "--rescanInterval=1m",
        "--backfillUntil=" + Instant.now().minusSeconds(1));
    assertEquals(PipelineResult.State.DONE, SyncPipeline.run(sync.options(true, first)).waitUntilFinish());

    // 500 rows 1 min to 6.8 h behind rows already synced, then a second backfill.
    List<Map<String, Object>> late = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      late.add(rows.row(10_000 + i, now - 60_000_000L - i * 48_840_000L));
    }
    TelemetryTable.insert(bigquery.client, sync.table, late);
    List<String> second = sync.args("backfill", 4, "--lookback=8h", "--rescanInterval=1m",
        "--backfillUntil=" + Instant.now().minusSeconds(1));
    assertEquals(PipelineResult.State.DONE, SyncPipeline.run(sync.options(true, second)).waitUntilFinish());

    assertEveryNodeEqualsTheSource(sync, 4_500, Duration.ofSeconds(30));
  }

  @Test
  void aCaughtUpContinuousSyncFindsLateRowsInItsCursorsBucketWithNoNewerRows() throws Exception {
    SyncFixture sync = new SyncFixture(bigquery.client, bigquery.server.endpoint(), "latebucket");
    TelemetryGenerator rows = new TelemetryGenerator(sync.name);
    // Rows up to a whole second 20 s ago, the last at 0.9 s into its second: with a lookback of
    // 60 s the re-scan's buckets are one second wide, and the last row's bucket holds the cursor.
    long lastSecond = Micros.now() / 1_000_000L * 1_000_000L - 20_000_000L;
    TelemetryTable.insert(bigquery.client, sync.table,
        rows.rows(0, 600, lastSecond - 59_000_000L, 100_000L, 1));
    PipelineResult result = SyncPipeline.run(sync.options(false, sync.args("continuous", 1,
        "--pollInterval=500ms", "--safetyLag=1s", "--lookback=60s", "--rescanInterval=2s",
        "--maxBufferingDuration=200ms")));
    try {
      awaitCheckpointAt(sync, Instant.ofEpochSecond(0, (lastSecond + 900_000L) * 1000),
          Duration.ofSeconds(60));
      // Late rows in the cursor's bucket, before the cursor; nothing newer arrives after them.
      TelemetryGenerator early = new TelemetryGenerator(sync.name + "-late");
      TelemetryTable.insert(bigquery.client, sync.table, List.of(
          early.row(1, lastSecond + 100_000L), early.row(2, lastSecond + 500_000L)));
      assertEveryNodeEqualsTheSource(sync, 602, Duration.ofSeconds(30));
    } finally {
      result.cancel();
    }
  }

  private void awaitCheckpointAt(SyncFixture sync, Instant cursor, Duration bound)
      throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!sync.checkpoint(harper, 1, 0).map(ShardCheckpoint::cursor)
        .filter(c -> !c.timestamp().isBefore(cursor)).isPresent()) {
      assertTrue(System.nanoTime() < deadline, "the sync did not reach " + cursor);
      Thread.sleep(100);
    }
  }

  private void assertEveryNodeEqualsTheSource(SyncFixture sync, int rows, Duration bound)
      throws InterruptedException {
    SourceSnapshot source = SourceSnapshot.read(bigquery.client, sync.table, "id", "timestamp");
    assertEquals(rows, source.rows.size());
    for (ClusterVerifier.NodeReport node : SyncFixture.verify(harper, source, sync.name, bound)) {
      assertTrue(node.ok(), "node differs from the source: " + node);
    }
  }
}
