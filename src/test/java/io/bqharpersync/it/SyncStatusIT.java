package io.bqharpersync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqharpersync.checkpoint.CheckpointStore;
import io.bqharpersync.checkpoint.ShardCheckpoint;
import io.bqharpersync.checkpoint.SyncPhase;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.record.Cursor;
import io.bqharpersync.record.Micros;
import io.bqharpersync.retry.RetryPolicy;
import io.bqharpersync.tools.LocalHarperCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/status} against the real cluster: a sync's checkpoints, dead letters and audits
 * written as the job writes them, then read back by the script, whose exit status and alerts
 * follow the thresholds.
 */
class SyncStatusIT {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String PARTITION = "TIMESTAMP_MICROS";

  @Test
  void theStatusAlertsOnLagOnStaleCheckpointsOnNewDeadLettersAndOnDrift() throws Exception {
    String sync = "status-" + Long.toString(System.currentTimeMillis(), 36);
    try (HarperClient harper = LocalHarperCluster.client()) {
      CheckpointStore store = new CheckpointStore(harper, SyncFixture.DB, RetryPolicy.defaults());
      Instant now = Instant.now();
      store.write(checkpoint(sync, 0, now.minusSeconds(10), now.minusSeconds(5)));
      store.write(checkpoint(sync, 1, now.minusSeconds(20), now.minusSeconds(3)));

      ScriptRun healthy = status(sync, "--json=true");
      assertEquals(0, healthy.exit(), healthy.output());
      JsonNode json = MAPPER.readTree(lastLine(healthy.output()));
      assertTrue(json.path("ok").asBoolean(), json.toString());
      assertEquals(2, json.path("shards").size());
      assertEquals("steady", json.path("shards").get(1).path("phase").asText());
      assertEquals(20, json.path("shards").get(1).path("lagSeconds").asDouble(), 10);
      assertEquals(0, json.path("deadLetters").asLong());

      // Shard 1 two hours behind, its checkpoint fresh.
      store.write(checkpoint(sync, 1, now.minus(Duration.ofHours(2)), Instant.now()));
      ScriptRun lagging = status(sync);
      assertEquals(1, lagging.exit(), lagging.output());
      assertTrue(lagging.output().contains("shard 1: lag 2h, over --maxLag 30m"), lagging.output());
      assertFalse(lagging.output().contains("shard 0: lag"), lagging.output());
      assertEquals(0, status(sync, "--maxLag=3h").exit(), "under a higher threshold");

      // Shard 0's checkpoint committed ten minutes ago.
      store.write(checkpoint(sync, 1, Instant.now().minusSeconds(5), Instant.now()));
      store.write(checkpoint(sync, 0, Instant.now().minusSeconds(5), now.minus(Duration.ofMinutes(10))));
      ScriptRun stale = status(sync);
      assertEquals(1, stale.exit(), stale.output());
      assertTrue(stale.output().contains("shard 0: checkpoint last committed 10m"), stale.output());
      assertTrue(stale.output().contains("over --maxCheckpointAge 5m"), stale.output());
      assertEquals(0, status(sync, "--maxCheckpointAge=15m").exit());

      // A row dead-lettered a minute ago, and an audit of node 3 that found drift.
      harper.upsert(0, SyncFixture.DB, "SyncDeadLetter", List.of(MAPPER.createObjectNode()
          .put("id", sync + "/letter").put("syncName", sync).put("reason", "refused")
          .put("failedAt", Instant.now().minusSeconds(60).toString()).toString()));
      ObjectNode audit = MAPPER.createObjectNode().put("id", sync + "/node2/" + now)
          .put("timestamp", now.toString()).put("syncName", sync)
          .put("node", "http://127.0.0.3:9925").put("status", "drift").put("missing", 3)
          .put("stale", 2).put("extra", 1).put("repaired", 0);
      harper.upsert(2, SyncFixture.DB, "SyncAudit", List.of(audit.toString()));
      ScriptRun alerts = status(sync, "--maxCheckpointAge=15m", "--json=true");
      assertEquals(1, alerts.exit(), alerts.output());
      JsonNode fired = MAPPER.readTree(lastLine(alerts.output())).path("alerts");
      assertEquals(2, fired.size(), fired.toString());
      assertTrue(fired.get(0).asText().startsWith("dead letters growing: 1 in all"), fired.toString());
      assertTrue(fired.get(1).asText().startsWith("node http://127.0.0.3:9925: its last audit"),
          fired.toString());
      ScriptRun driftOnly = status(sync, "--maxCheckpointAge=15m", "--deadLetterWindow=30s");
      assertEquals(1, driftOnly.exit(), "the drift alert stays while that audit is the last");
      assertFalse(driftOnly.output().contains("dead letters growing"), driftOnly.output());
      assertTrue(driftOnly.output().contains("found drift: missing 3, stale 2, extra 1"),
          driftOnly.output());
      // A newer audit of that node that found nothing clears it.
      harper.upsert(2, SyncFixture.DB, "SyncAudit", List.of(audit.put("id", sync + "/node2/"
          + Instant.now()).put("timestamp", Instant.now().toString()).put("status", "ok")
          .put("missing", 0).put("stale", 0).put("extra", 0).toString()));
      ScriptRun cleared = status(sync, "--maxCheckpointAge=15m", "--deadLetterWindow=30s");
      assertEquals(0, cleared.exit(), cleared.output());

      // A node that does not answer, listed first: the others are read.
      List<String> nodes = new ArrayList<>(List.of("http://127.0.0.1:9"));
      nodes.addAll(LocalHarperCluster.connection().nodes());
      ScriptRun partial = status(sync, "--maxCheckpointAge=15m", "--deadLetterWindow=30s",
          "--harperNodes=" + String.join(",", nodes));
      assertEquals(0, partial.exit(), partial.output());
      assertTrue(partial.output().contains("dead letters: 1"), partial.output());
    }
  }

  @Test
  void aBadThresholdIsAConfigurationErrorNamingIt() throws Exception {
    ScriptRun run = status("status-none", "--maxLag=soon");
    assertEquals(2, run.exit(), run.output());
    assertTrue(run.output().contains("configuration error: --maxLag:"), run.output());
  }

  private static ShardCheckpoint checkpoint(String sync, int shard, Instant cursor, Instant updated) {
    return new ShardCheckpoint(sync, PARTITION, 2, shard, Cursor.of(Micros.of(cursor), "id-" + shard),
        1, 1000L * (shard + 1), SyncPhase.after(SyncPhase.INITIAL, Duration.between(cursor, updated)),
        updated);
  }

  private static ScriptRun status(String sync, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("--sourceTable=local-project.status.readings",
        "--syncName=" + sync, "--shards=2", "--partitionExpression=" + PARTITION,
        "--harperNodes=" + String.join(",", LocalHarperCluster.connection().nodes())));
    args.addAll(List.of(more));
    if (args.stream().filter(arg -> arg.startsWith("--harperNodes=")).count() > 1) {
      args.remove(4);
    }
    return ScriptRun.of(Duration.ofMinutes(1), "scripts/status", args);
  }

  private static String lastLine(String output) {
    String[] lines = output.strip().split("\n");
    return lines[lines.length - 1];
  }
}
