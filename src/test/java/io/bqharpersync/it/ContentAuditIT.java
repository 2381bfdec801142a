package io.bqharpersync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqharpersync.audit.AuditSettings;
import io.bqharpersync.audit.AuditWindow;
import io.bqharpersync.audit.ContentAudit;
import io.bqharpersync.audit.DriftCheck;
import io.bqharpersync.audit.NodeAudit;
import io.bqharpersync.bqlocal.RunningStandIn;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.pipeline.Preflight;
import io.bqharpersync.pipeline.SyncConfig;
import io.bqharpersync.pipeline.SyncPipeline;
import io.bqharpersync.record.Micros;
import io.bqharpersync.record.SyncVersion;
import io.bqharpersync.retry.RetryPolicy;
import io.bqharpersync.source.BigQueryShardReader;
import io.bqharpersync.tools.ClusterVerifier;
import io.bqharpersync.tools.LocalHarperCluster;
import io.bqharpersync.tools.SourceSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;

/**
 * One replica made wrong for a few keys (its replication links cut, so nothing heals it): the
 * audit names exactly those keys, as missing, stale or extra, on exactly that node, and the repair
 * makes every node equal to the source, field for field.
 */
class ContentAuditIT {
  private static final int DEVICES = 1_000;
  private static final int REPORTS = 3;
  /** Node number of the replica made wrong; its slot is one less. */
  private static final int WRONG_NODE = 3;

  @Test
  void namesExactlyTheKeysOneReplicaHoldsWrongAndRepairsThem() throws Exception {
    try (RunningStandIn bigquery = new RunningStandIn();
        HarperClient harper = LocalHarperCluster.client()) {
      SyncFixture sync = new SyncFixture(bigquery.client, bigquery.server.endpoint(), "audit");
      long start = Micros.now() - 3_600_000_000L;
      sync.insertDeviceReports(bigquery.client, DEVICES, REPORTS, start);
      List<String> args = sync.args("backfill", 4);
      assertEquals(PipelineResult.State.DONE,
          SyncPipeline.run(sync.options(true, args)).waitUntilFinish());

      SyncConfig config = Preflight.check(SyncConfig.from(sync.options(true, args)));
      BigQueryShardReader reader =
          new BigQueryShardReader(bigquery.client, RetryPolicy.defaults(), () -> {});
      AuditWindow window =
          new AuditWindow(null, DriftCheck.committedUntil(config, harper).orElseThrow());
      // The window ends at the lowest committed cursor: devices whose last report is there or
      // later are not compared yet.
      long compared = 0;
      for (int d = 0; d < DEVICES; d++) {
        compared += window.contains(start + ((REPORTS - 1) * DEVICES + d) * 1_000_000L) ? 1 : 0;
      }
      assertTrue(compared > DEVICES / 2, "most devices are compared: " + compared);
      // Replication is asynchronous: just after the backfill a node may still be catching up.
      for (NodeAudit node : audit(config, reader, harper, 60).run(window, false)) {
        assertEquals("ok", statusOf(node), "after a clean backfill: " + node);
        assertEquals(compared, node.sourceKeys, node.toString());
        assertEquals(compared, node.nodeKeys, node.toString());
      }

      int slot = WRONG_NODE - 1;
      List<String> missing = List.of(sync.device(3), sync.device(10), sync.device(500));
      List<String> stale = List.of(sync.device(7), sync.device(11));
      String extra = sync.name + "-device-unknown";
      LocalHarperCluster.partitionNode(WRONG_NODE);
      try {
        ObjectNode delete = HarperClient.operation("delete", SyncFixture.DB, SyncFixture.TABLE);
        missing.forEach(delete.putArray("ids")::add);
        harper.operation(slot, delete);
        List<String> wrongRows = new ArrayList<>();
        for (JsonNode held : harper.searchById(slot, SyncFixture.DB, SyncFixture.TABLE, stale)) {
          wrongRows.add(olderVersionOf((ObjectNode) held).toString());
        }
        ObjectNode unknown = olderVersionOf((ObjectNode) harper.getById(slot, SyncFixture.DB,
            SyncFixture.TABLE, sync.device(0)).orElseThrow());
        wrongRows.add(unknown.put("id", extra).toString());
        harper.upsert(slot, SyncFixture.DB, SyncFixture.TABLE, wrongRows);

        List<NodeAudit> found = audit(config, reader, harper, 2).run(window, false);
        for (NodeAudit node : found) {
          if (node.slot == slot) {
            assertEquals(sorted(missing), sorted(node.missing.keys()), node.toString());
            assertEquals(sorted(stale), sorted(node.stale.keys()), node.toString());
            assertEquals(List.of(extra), node.extra.keys(), node.toString());
            assertEquals(0, node.repaired, node.toString());
          } else {
            assertEquals("ok", statusOf(node), "a node whose replication was not cut: " + node);
          }
        }

        List<NodeAudit> repaired = audit(config, reader, harper, 2).run(window, true);
        assertEquals(missing.size() + stale.size(), repaired.get(slot).repaired,
            repaired.get(slot).toString());
        assertEquals(List.of(extra), repaired.get(slot).extra.keys(), "extra keys are not deleted");
        ObjectNode deleteExtra = HarperClient.operation("delete", SyncFixture.DB, SyncFixture.TABLE);
        deleteExtra.putArray("ids").add(extra);
        harper.operation(slot, deleteExtra);
        for (NodeAudit node : audit(config, reader, harper, 2).run(window, false)) {
          assertEquals("ok", statusOf(node), "after the repair: " + node);
        }
        // Still cut off, so only the repair can have put the rows back: field for field.
        SourceSnapshot source = SourceSnapshot.read(bigquery.client, sync.table, "id", "timestamp");
        assertTrue(new ClusterVerifier(harper, SyncFixture.DB, SyncFixture.TABLE)
            .verify(List.of(slot), sync.name, source.rows.size(), source.rows::get, Duration.ZERO)
            .get(0).ok(), "the repaired node before its links are restored");
      } finally {
        LocalHarperCluster.healNode(WRONG_NODE);
      }
      SourceSnapshot source = SourceSnapshot.read(bigquery.client, sync.table, "id", "timestamp");
      for (ClusterVerifier.NodeReport report
          : SyncFixture.verify(harper, source, sync.name, Duration.ofSeconds(60))) {
        assertTrue(report.ok(), "after the links are restored: " + report);
      }
      for (int node = 0; node < LocalHarperCluster.nodeCount(); node++) {
        assertEquals(4, harper.scan(node, SyncFixture.DB, ContentAudit.AUDIT_TABLE, "id",
            sync.name + "/node" + node + "/", 100, row -> {}), "audit rows of node " + node);
      }
    }
  }

  private static ContentAudit audit(SyncConfig config, BigQueryShardReader reader,
      HarperClient harper, int settleSeconds) {
    return new ContentAudit(config.withAudit(new AuditSettings(Duration.ZERO,
        Duration.ofSeconds(settleSeconds), config.syncName(), 200_000)), reader, harper);
  }

  /** The row with other content and a version one microsecond older than the one it holds. */
  private static ObjectNode olderVersionOf(ObjectNode held) {
    long micros = SyncVersion.micros(held.path(SyncVersion.FIELD).asText());
    ObjectNode row = held.deepCopy();
    row.retain("id", "timestamp", "deviceId", "reading", "data");
    row.put("reading", -1.0);
    return SyncVersion.stamp(row, micros - 1);
  }

  private static String statusOf(NodeAudit node) {
    return node.missing.count() + node.stale.count() + node.extra.count() == 0 ? "ok" : "wrong";
  }

  private static List<String> sorted(List<String> keys) {
    return new ArrayList<>(new TreeSet<>(keys));
  }

}
