package io.bqharpersync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqharpersync.bqlocal.RunningStandIn;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.pipeline.SyncPipeline;
import io.bqharpersync.record.Micros;
import io.bqharpersync.tools.LocalHarperCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/validate --sample N} after a backfill: every sampled key matches on every node;
 * then one key's value changed behind the sync's back (its version left as it was, so the
 * version-based audit cannot see it) and another deleted: the spot check names both keys, the
 * changed field, on every node, and exits 1.
 */
class SpotCheckIT {
  private static final int DEVICES = 300;

  @Test
  void namesEveryKeyANodeHoldsOtherwiseThanTheSourceFieldByField() throws Exception {
    try (RunningStandIn bigquery = new RunningStandIn();
        HarperClient harper = LocalHarperCluster.client()) {
      SyncFixture sync = new SyncFixture(bigquery.client, bigquery.server.endpoint(), "spot");
      sync.insertDeviceReports(bigquery.client, DEVICES, 2, Micros.now() - 3_600_000_000L);
      List<String> args = sync.args("backfill", 4);
      assertEquals(PipelineResult.State.DONE,
          SyncPipeline.run(sync.options(true, args)).waitUntilFinish());
      Thread.sleep(3_000); // replication settles

      List<String> validate = new ArrayList<>(args);
      validate.add("--sample=" + DEVICES * 2);
      validate.add("--seed=7");
      ScriptRun clean = ScriptRun.of(Duration.ofMinutes(2), "scripts/validate", validate);
      assertEquals(0, clean.exit(), clean.output());
      long nodesClean = clean.output().lines()
          .filter(line -> line.matches("node .*: 2\\d\\d keys compared, 0 mismatched")).count();
      assertEquals(3, nodesClean, clean.output());

      // Device 5: another reading, its version kept; device 7: gone. On every node.
      String changed = sync.device(5);
      String deleted = sync.device(7);
      JsonNode held = harper.getById(0, SyncFixture.DB, SyncFixture.TABLE, changed).orElseThrow();
      ObjectNode altered = ((ObjectNode) held.deepCopy()).put("reading", -12345.5);
      altered.remove(List.of("harperCreatedAt", "harperUpdatedAt", "__createdtime__",
          "__updatedtime__"));
      harper.upsert(0, SyncFixture.DB, SyncFixture.TABLE, List.of(altered.toString()));
      ObjectNode delete = HarperClient.operation("delete", SyncFixture.DB, SyncFixture.TABLE);
      delete.putArray("ids").add(deleted);
      harper.operation(0, delete);
      Thread.sleep(3_000);

      ScriptRun drift = ScriptRun.of(Duration.ofMinutes(2), "scripts/validate", validate);
      assertEquals(1, drift.exit(), drift.output());
      for (String node : LocalHarperCluster.connection().nodes()) {
        assertTrue(drift.output().contains("node " + node + ": "), drift.output());
      }
      assertEquals(3, drift.output().lines()
          .filter(line -> line.equals("  key " + changed + ": differs in [reading]")).count(),
          drift.output());
      assertEquals(3, drift.output().lines()
          .filter(line -> line.equals("  key " + deleted + ": missing")).count(), drift.output());
      assertFalse(drift.output().contains(LocalHarperCluster.password()));
    }
  }
}
