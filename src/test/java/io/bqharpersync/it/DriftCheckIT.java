package io.bqharpersync.it;

import io.bqharpersync.tools.LocalHarperCluster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqharpersync.bqlocal.RunningStandIn;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.tools.ClusterVerifier;
import io.bqharpersync.audit.DriftCheck;
import io.bqharpersync.tools.SourceSnapshot;
import io.bqharpersync.tools.TelemetryGenerator;
import io.bqharpersync.tools.TelemetryTable;
import io.bqharpersync.pipeline.Preflight;
import io.bqharpersync.pipeline.SyncConfig;
import io.bqharpersync.pipeline.SyncPipeline;
import io.bqharpersync.record.Micros;
import io.bqharpersync.retry.RetryPolicy;
import io.bqharpersync.source.BigQueryShardReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;

/** The drift check finds rows missing from the nodes by digest, names them, and repairs them. */
class DriftCheckIT {
  @Test
  void findsAndRepairsRowsMissingFromTheNodes() throws Exception {
    try (RunningStandIn bigquery = new RunningStandIn(); HarperClient harper = LocalHarperCluster.client()) {
      SyncFixture sync = new SyncFixture(bigquery.client, bigquery.server.endpoint(), "drift");
      TelemetryGenerator rows = new TelemetryGenerator(sync.name);
      TelemetryTable.insert(bigquery.client, sync.table,
          rows.rows(0, 5_000, Micros.now() - 3_600_000_000L, 100_000, 2));
      List<String> args = sync.args("backfill", 2);
      assertEquals(PipelineResult.State.DONE,
          SyncPipeline.run(sync.options(true, args)).waitUntilFinish());

      SyncConfig config = Preflight.check(SyncConfig.from(sync.options(true, args)));
      BigQueryShardReader reader =
          new BigQueryShardReader(bigquery.client, RetryPolicy.defaults(), () -> {});
      // Replication is asynchronous: just after the backfill a node may still be catching up.
      DriftCheck settled = new DriftCheck(config, reader, harper, sync.name, Duration.ofSeconds(60));
      Instant until = settled.checkedUntil().orElseThrow();
      for (DriftCheck.NodeDrift node : settled.run(until, false)) {
        assertTrue(node.ok(), "after a clean backfill: " + node);
      }
      DriftCheck check = new DriftCheck(config, reader, harper, sync.name, Duration.ofSeconds(2));

      // Rows vanish from the cluster (a delete on one node replicates to all).
      List<String> lost = List.of(rows.id(3), rows.id(10), rows.id(11), rows.id(2000));
      ObjectNode delete = HarperClient.operation("delete", SyncFixture.DB, SyncFixture.TABLE);
      lost.forEach(delete.putArray("ids")::add);
      harper.operation(1, delete);
      awaitGoneFromEveryNode(harper, lost, Duration.ofSeconds(30));

      for (DriftCheck.NodeDrift node : check.run(until, false)) {
        assertEquals(lost, node.missing, "missing on node " + node.slot);
        assertTrue(node.extra.isEmpty(), node.toString());
      }
      List<DriftCheck.NodeDrift> repaired = check.run(until, true);
      // Node 0 is repaired from BigQuery; replication may bring the rows to the others first.
      assertTrue(repaired.get(0).repaired, repaired.get(0).toString());
      for (DriftCheck.NodeDrift node : repaired) {
        assertTrue(node.ok(), "after the repair: " + node);
      }
      SourceSnapshot source = SourceSnapshot.read(bigquery.client, sync.table, "id", "timestamp");
      for (ClusterVerifier.NodeReport report
          : SyncFixture.verify(harper, source, sync.name, Duration.ofSeconds(30))) {
        assertTrue(report.ok(), "after the repair: " + report);
      }
      long audits = harper.scan(0, SyncFixture.DB, "SyncAudit", "id", sync.name + "/", 100, row -> {});
      assertEquals(9, audits, "one audit row per node per check");
    }
  }

  /** Waits until replication has carried a delete to every node, not for a fixed time. */
  private static void awaitGoneFromEveryNode(HarperClient harper, List<String> ids, Duration limit)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    for (int slot = 0; slot < LocalHarperCluster.nodeCount(); slot++) {
      while (!harper.searchById(slot, SyncFixture.DB, SyncFixture.TABLE, ids).isEmpty()) {
        assertTrue(System.nanoTime() < deadline, "the delete did not reach node " + slot);
        Thread.onSpinWait();
      }
    }
  }
}
