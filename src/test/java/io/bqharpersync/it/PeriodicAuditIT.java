package io.bqharpersync.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bqharpersync.audit.AuditPeriodically;
import io.bqharpersync.bqlocal.RunningStandIn;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.pipeline.SyncPipeline;
import io.bqharpersync.record.Micros;
import io.bqharpersync.tools.ClusterVerifier;
import io.bqharpersync.tools.LocalHarperCluster;
import io.bqharpersync.tools.SourceSnapshot;
import io.bqharpersync.tools.TelemetryGenerator;
import io.bqharpersync.tools.TelemetryTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;

/**
 * A continuous job with {@code --auditInterval} heals replicas that miss writes, without an
 * operator: while node 3's replication links are cut, new rows and newer rows of existing keys
 * arrive; each node takes the writes it owns and none reaches the others. The job's own audit
 * rewrites on each node what it lacks, so every node equals the source before the links return.
 */
class PeriodicAuditIT {
  private static final int CUT_NODE = 3;
  private static final long MINUTE = 60_000_000L;

  @Test
  void aContinuousJobsAuditHealsEveryNodeWhileOneIsCutOff() throws Exception {
    try (RunningStandIn bigquery = new RunningStandIn();
        HarperClient harper = LocalHarperCluster.client()) {
      SyncFixture sync = new SyncFixture(bigquery.client, bigquery.server.endpoint(), "periodic");
      TelemetryGenerator rows = new TelemetryGenerator(sync.name);
      long now = Micros.now();
      TelemetryTable.insert(bigquery.client, sync.table,
          rows.rows(0, 2_000, now - 60 * MINUTE, 300_000, 2));
      PipelineResult result = SyncPipeline.run(sync.options(false, sync.args("continuous", 3,
          "--pollInterval=500ms", "--safetyLag=1s", "--lookback=1m", "--rescanInterval=5s",
          "--maxBufferingDuration=500ms", "--auditInterval=10s", "--auditSettle=3s",
          "--auditIdPrefix=" + sync.name)));
      try {
        awaitFirstAudit(harper, sync, result);
        LocalHarperCluster.partitionNode(CUT_NODE);
        try {
          // New keys, and newer rows of 300 keys every node already holds.
          List<Map<String, Object>> arriving = new ArrayList<>(
              rows.rows(2_000, 1_000, now - 40 * MINUTE, 300_000, 2));
          for (int i = 0; i < 300; i++) {
            Map<String, Object> newer = rows.row(3_000 + i, now - 38 * MINUTE + i * 1_000_000L);
            newer.put("id", rows.id(i));
            arriving.add(newer);
          }
          TelemetryTable.insert(bigquery.client, sync.table, arriving);
          // Rows with another prefix, minutes later, move every shard's cursor on (a shard's
          // cursor moves only with its rows), so the rows above fall behind the lookback and
          // close; they are not themselves compared below.
          TelemetryTable.insert(bigquery.client, sync.table,
              new TelemetryGenerator("push-" + sync.name).rows(0, 60, now - 5 * MINUTE,
                  1_000_000L, 1));

          SourceSnapshot source =
              SourceSnapshot.read(bigquery.client, sync.table, "id", "timestamp");
          List<ClusterVerifier.NodeReport> nodes = new ClusterVerifier(harper, SyncFixture.DB,
              SyncFixture.TABLE).verify(List.of(0, 1, 2), sync.name, 3_000, source.rows::get,
              Duration.ofSeconds(150));
          assertFalse(result.getState().isTerminal(), "the job is still running");
          for (ClusterVerifier.NodeReport node : nodes) {
            assertTrue(node.ok(), "while node " + CUT_NODE + " is cut off: " + node);
          }
          assertTrue(SyncFixture.counter(result, AuditPeriodically.class, "audit_repaired_keys") > 0,
              "the nodes were made equal by the audit's repairs");
        } finally {
          LocalHarperCluster.healNode(CUT_NODE);
        }
      } finally {
        result.cancel();
      }
    }
  }

  /** Waits until the job's audit has run once (its progress row exists). */
  private static void awaitFirstAudit(HarperClient harper, SyncFixture sync, PipelineResult result)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (harper.searchById(0, SyncFixture.DB, "SyncAudit", List.of(sync.name + "/audited"))
        .isEmpty()) {
      assertFalse(result.getState().isTerminal(), "the job ended: " + result.getState());
      assertTrue(System.nanoTime() < deadline, "no audit within 90 s");
      Thread.sleep(500);
    }
  }
}
