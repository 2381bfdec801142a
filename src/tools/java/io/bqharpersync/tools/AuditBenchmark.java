package io.bqharpersync.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.TableId;
import io.bqharpersync.audit.AuditSettings;
import io.bqharpersync.audit.AuditWindow;
import io.bqharpersync.audit.ContentAudit;
import io.bqharpersync.audit.DriftCheck;
import io.bqharpersync.audit.NodeAudit;
import io.bqharpersync.bqlocal.BigQueryStandIn;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.pipeline.Preflight;
import io.bqharpersync.pipeline.SyncConfig;
import io.bqharpersync.pipeline.SyncOptions;
import io.bqharpersync.pipeline.SyncPipeline;
import io.bqharpersync.record.Micros;
import io.bqharpersync.retry.RetryPolicy;
import io.bqharpersync.source.BigQueryShardReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.PipelineResult;

/**
 * What the content audit costs against one plain full read of a node, on the same cluster in the
 * same run. A table of {@code --rows} rows is synced once by the backfill job; then each round
 * times, in this order: every node read whole once ({@code search_by_value} on the key, every
 * attribute, streamed); the audit of every node with nothing to find; and, after {@code --drift}
 * keys are deleted (the delete replicates to every node), the audit that finds and repairs them.
 * A ratio is seconds per node over the full read's seconds per node: of the whole audit, and of
 * its Harper side alone (the node reads and lookups; the source side runs here on the stand-in, on
 * the same cores as the nodes, where BigQuery would run it on its own). Prints each round, the
 * medians, and last {@code ratio: X.XX}, the median Harper-side ratio of the audit with drift.
 */
public final class AuditBenchmark {
  private static final String DB = "data";
  private static final String TABLE = "BigQueryData";

  public static void main(String[] args) throws Exception {
    CommandLine line = new CommandLine(args, Set.of("rows", "rounds", "drift"));
    long rows = line.positiveLong("rows", 1_000_000);
    int rounds = (int) line.positiveLong("rounds", 3);
    int drift = (int) line.positiveLong("drift", 20);
    String name = "auditbench-" + Long.toString(System.currentTimeMillis(), 36);
    try (BigQueryStandIn server = BigQueryStandIn.start("127.0.0.1", 0);
        HarperClient harper = new HarperClient(LocalHarperCluster.connection())) {
      BigQuery bigquery = BigQueryShardReader.client("local-project", server.endpoint(),
          Duration.ofMinutes(5));
      TableId table = TableId.of("local-project", "bench", name.replace('-', '_'));
      TelemetryTable.create(bigquery, table);
      TelemetryGenerator generator = new TelemetryGenerator(name);
      generator.insertRows(bigquery, table, rows, Micros.now() - 48L * 3600 * 1_000_000, 100_000, 1);
      SyncOptions options = LocalSync.syncOptions(table, server.endpoint(), name,
          "--mode=backfill", "--auditIdPrefix=" + name);
      long started = System.nanoTime();
      if (SyncPipeline.run(options).waitUntilFinish() != PipelineResult.State.DONE) {
        throw new IllegalStateException("the backfill of " + name + " did not finish");
      }
      System.out.printf("rows: %,d, nodes: %d, synced by the backfill in %.0f s%n", rows,
          harper.connection().nodeCount(), seconds(started));
      SyncConfig config = Preflight.check(SyncConfig.from(options));
      BigQueryShardReader reader = new BigQueryShardReader(bigquery, RetryPolicy.defaults(), () -> {});
      AuditWindow window =
          new AuditWindow(null, DriftCheck.committedUntil(config, harper).orElseThrow());
      int nodes = harper.connection().nodeCount();
      // Unmeasured: replication settles, and the JIT and Harper's caches warm up.
      audit(config, reader, harper, Duration.ofSeconds(120)).run(window, true);

      double[] clean = new double[rounds];
      double[] drifted = new double[rounds];
      double[] cleanHarper = new double[rounds];
      double[] driftedHarper = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        double fullRead = 0;
        for (int slot = 0; slot < nodes; slot++) {
          long start = System.nanoTime();
          harper.forEachRecord(slot, DB, TABLE, "id", name, List.of("*"), row -> {});
          fullRead += seconds(start);
        }
        fullRead /= nodes;
        ContentAudit audit = audit(config, reader, harper, Duration.ZERO);
        long start = System.nanoTime();
        requireNothingWrong(audit.run(window, true));
        double cleanSeconds = seconds(start) / nodes;
        ContentAudit.Cost cleanCost = audit.lastCost();
        deleteSomeKeys(harper, generator, rows, drift, round);
        audit = audit(config, reader, harper, Duration.ofSeconds(2));
        start = System.nanoTime();
        List<NodeAudit> repaired = audit.run(window, true);
        double driftSeconds = seconds(start) / nodes;
        ContentAudit.Cost driftCost = audit.lastCost();
        long found = repaired.stream().mapToLong(n -> n.missing.count()).max().orElse(0);
        clean[round] = cleanSeconds / fullRead;
        drifted[round] = driftSeconds / fullRead;
        cleanHarper[round] = cleanCost.nodeSeconds() / nodes / fullRead;
        driftedHarper[round] = driftCost.nodeSeconds() / nodes / fullRead;
        System.out.printf("round %d: full read %.1f s/node%n", round + 1, fullRead);
        System.out.printf("  audit, nothing to find: %.1f s/node (ratio %.2f); Harper side %.1f s/node "
                + "(ratio %.2f), source side %.1f s%n", cleanSeconds, clean[round],
            cleanCost.nodeSeconds() / nodes, cleanHarper[round], cleanCost.sourceSeconds());
        System.out.printf("  audit finding and repairing %d deleted keys: %.1f s/node (ratio %.2f); "
                + "Harper side %.1f s/node (ratio %.2f), source side %.1f s, settle wait %.1f s%n",
            found, driftSeconds, drifted[round], driftCost.nodeSeconds() / nodes,
            driftedHarper[round], driftCost.sourceSeconds(), driftCost.settleSeconds());
      }
      summary("audit, nothing to find, whole", clean);
      summary("audit, nothing to find, Harper side", cleanHarper);
      summary("audit with drift, whole", drifted);
      summary("audit with drift, Harper side", driftedHarper);
      System.out.printf("ratio: %.2f%n", HarperWriteBenchmark.median(driftedHarper));
    }
    System.exit(0);
  }

  private static ContentAudit audit(SyncConfig config, BigQueryShardReader reader,
      HarperClient harper, Duration settle) {
    AuditSettings settings = new AuditSettings(Duration.ZERO, settle, config.audit().idPrefix(),
        config.audit().listLimit());
    return new ContentAudit(config.withAudit(settings), reader, harper);
  }

  private static void summary(String what, double[] ratios) {
    System.out.printf("%s, ratio to a full read: median %.2f, spread %.2f-%.2f%n", what,
        HarperWriteBenchmark.median(ratios), Arrays.stream(ratios).min().orElse(0),
        Arrays.stream(ratios).max().orElse(0));
  }

  private static void requireNothingWrong(List<NodeAudit> audited) {
    for (NodeAudit node : audited) {
      if (node.missing.count() + node.stale.count() + node.extra.count() > 0) {
        throw new IllegalStateException("a clean audit found drift: " + node);
      }
    }
  }

  /** Deletes {@code count} keys of the first half of the table (always in the window). */
  private static void deleteSomeKeys(HarperClient harper, TelemetryGenerator generator, long rows,
      int count, int round) {
    ObjectNode delete = HarperClient.operation("delete", DB, TABLE);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(generator.id((round * 7919L + i * (rows / 2 / count)) % (rows / 2)));
    }
    ids.forEach(delete.putArray("ids")::add);
    harper.operation(0, delete);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
