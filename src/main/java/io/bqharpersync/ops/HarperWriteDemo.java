package io.bqharpersync.ops;

import io.bqharpersync.checkpoint.CheckpointStore;
import io.bqharpersync.checkpoint.ShardCheckpoint;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.harper.HarperConnection;
import io.bqharpersync.harper.HarperIO;
import io.bqharpersync.retry.RetryPolicy;
import io.bqharpersync.routing.KeyByNodeSlot;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.Pipeline;

/**
 * Writes generated telemetry through {@link HarperIO} into the local cluster, then reads every
 * node back and compares every id and field. Exits 0 only when every node holds exactly the rows.
 */
public final class HarperWriteDemo {
  private static final String DB = "data";
  private static final String TABLE = "BigQueryData";

  public static void main(String[] args) throws Exception {
    CommandLine line = new CommandLine(args, Set.of("rows", "shards"));
    long rows = line.positiveLong("rows", 100_000);
    int shards = (int) line.positiveLong("shards", 4);
    HarperConnection connection = LocalCluster.fromEnvironment();
    String run = "demo-" + Long.toString(System.currentTimeMillis(), 36);
    SyntheticTelemetry telemetry = new SyntheticTelemetry(run, rows, shards, 1000);
    System.out.printf("writing %,d rows in %d shards to %s%n", rows, shards, connection.nodes());

    DirectOptions options = LocalCluster.directRunnerOptions();
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply("GenerateTelemetry", new GenerateTelemetry(telemetry))
        .apply("KeyByNodeSlot", KeyByNodeSlot.of(connection.nodeCount()))
        .apply("WriteToHarper",
            HarperIO.write().withConnection(connection).withTable(DB, TABLE)
                .withCheckpoints(run, shards));
    long started = System.nanoTime();
    pipeline.run().waitUntilFinish();
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("wrote %,d rows in %.1f s (%,.0f rows/s)%n", rows, seconds, rows / seconds);

    boolean ok = true;
    try (HarperClient client = new HarperClient(connection)) {
      List<ClusterVerifier.NodeReport> reports = new ClusterVerifier(client, DB, TABLE)
          .verify(run, rows, telemetry::rowForId, Duration.ofSeconds(60));
      for (ClusterVerifier.NodeReport report : reports) {
        System.out.println("verify " + report + (report.ok() ? "  OK" : "  MISMATCH"));
        ok &= report.ok() && report.read == rows;
      }
      CheckpointStore store = new CheckpointStore(client, DB, RetryPolicy.defaults());
      for (int shard = 0; shard < shards; shard++) {
        ShardCheckpoint checkpoint = store.read(run, shards, shard).orElse(null);
        System.out.println("checkpoint shard " + shard + ": " + checkpoint);
        ok &= checkpoint != null;
      }
    }
    System.out.println(ok ? "RESULT: OK, every node holds every row, field for field"
        : "RESULT: FAILED");
    System.exit(ok ? 0 : 1);
  }
}
