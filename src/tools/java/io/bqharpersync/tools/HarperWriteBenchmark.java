package io.bqharpersync.tools;

import io.bqharpersync.harper.BatchSizePolicy;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.harper.HarperConnection;
import io.bqharpersync.harper.HarperIO;
import io.bqharpersync.harper.HarperTarget;
import io.bqharpersync.harper.NodeSlots;
import io.bqharpersync.harper.WriteTuning;
import io.bqharpersync.retry.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.Pipeline;

/**
 * Records/s of {@link HarperIO#write()} on the DirectRunner against a plain batch-upsert loop (one
 * thread per node, the same batch size, records serialized before the clock starts), on the same
 * cluster, alternating rounds after an unmeasured warm-up. Prints each round, the medians and,
 * last, {@code ratio: X.XX}, the median of the per-round ratios.
 */
public final class HarperWriteBenchmark {
  private static final String DB = "data";
  private static final String TABLE = "BigQueryData";

  public static void main(String[] args) throws Exception {
    CommandLine line = new CommandLine(args, Set.of("rows", "rounds", "batch"));
    long rows = line.positiveLong("rows", 60_000);
    int rounds = (int) line.positiveLong("rounds", 3);
    int batch = (int) line.positiveLong("batch", 1000);
    HarperConnection connection = LocalHarperCluster.connection();
    String run = "bench-" + Long.toString(System.currentTimeMillis(), 36);
    System.out.printf("rows per measurement: %,d, batch: %d, nodes: %s%n", rows, batch,
        connection.nodes());

    // Unmeasured warm-up of both paths: the JIT, connection pools and Harper's caches.
    plainLoop(connection, new TelemetryPages(run + "-warmplain", rows / 3, 4, batch), batch);
    harperIO(connection, new TelemetryPages(run + "-warmbeam", rows / 3, 4, batch), batch);

    double[] plain = new double[rounds];
    double[] conditional = new double[rounds];
    double[] pipeline = new double[rounds];
    double[] ratios = new double[rounds];
    double[] conditionalRatios = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      TelemetryPages forPlain = new TelemetryPages(run + "-plain" + round, rows, 4, batch);
      TelemetryPages forConditional = new TelemetryPages(run + "-cond" + round, rows, 4, batch);
      TelemetryPages forPipeline = new TelemetryPages(run + "-beam" + round, rows, 4, batch);
      // Alternate which goes first, so a table that slows as it grows favours neither.
      if (round % 2 == 0) {
        plain[round] = plainLoop(connection, forPlain, batch);
        conditional[round] = loop(connection, forConditional, batch, true);
        pipeline[round] = harperIO(connection, forPipeline, batch);
      } else {
        pipeline[round] = harperIO(connection, forPipeline, batch);
        conditional[round] = loop(connection, forConditional, batch, true);
        plain[round] = plainLoop(connection, forPlain, batch);
      }
      ratios[round] = pipeline[round] / plain[round];
      conditionalRatios[round] = conditional[round] / plain[round];
      System.out.printf("round %d: plain upsert loop %,.0f records/s, the same loop through"
              + " SyncUpsert %,.0f records/s (%.2f), HarperIO.write %,.0f records/s, ratio %.2f%n",
          round + 1, plain[round], conditional[round], conditionalRatios[round], pipeline[round],
          ratios[round]);
    }
    System.out.printf("plain upsert loop, median: %,.0f records/s%n", median(plain));
    System.out.printf("the loop through SyncUpsert, median: %,.0f records/s (%.2f of the plain"
        + " loop)%n", median(conditional), median(conditionalRatios));
    System.out.printf("HarperIO.write, median: %,.0f records/s%n", median(pipeline));
    System.out.printf("ratio: %.2f%n", median(ratios));
  }

  static double plainLoop(HarperConnection connection, TelemetryPages telemetry, int batch)
      throws Exception {
    return loop(connection, telemetry, batch, false);
  }

  /**
   * One thread per node upserting its rows in batches: through the operations API's {@code
   * upsert}, or with {@code conditional} through the component's {@code SyncUpsert} (a read of
   * the stored row before each write), the write HarperIO makes.
   */
  static double loop(HarperConnection connection, TelemetryPages telemetry, int batch,
      boolean conditional) throws Exception {
    int nodes = connection.nodeCount();
    List<List<String>> perNode = new ArrayList<>();
    for (int slot = 0; slot < nodes; slot++) {
      perNode.add(new ArrayList<>());
    }
    for (long i = 0; i < telemetry.count(); i++) {
      String json = telemetry.row(i).toString();
      perNode.get(NodeSlots.slotOf(telemetry.id(i), nodes)).add(json);
    }
    ExecutorService threads = Executors.newFixedThreadPool(nodes);
    try (HarperClient client = new HarperClient(connection)) {
      TelemetryTable.createInHarper(client, DB, TABLE);
      LocalProcessCpu cpuBefore = LocalProcessCpu.now();
      long started = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (int slot = 0; slot < nodes; slot++) {
        int node = slot;
        List<String> records = perNode.get(slot);
        done.add(threads.submit(() -> {
          for (int from = 0; from < records.size(); from += batch) {
            List<String> slice = records.subList(from, Math.min(records.size(), from + batch));
            if (conditional) {
              client.conditionalUpsert(node, DB, TABLE, slice);
            } else {
              client.upsert(node, DB, TABLE, slice);
            }
          }
        }));
      }
      for (Future<?> future : done) {
        future.get();
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("  %s: %.1f s, CPU: %s%n",
          conditional ? "loop through SyncUpsert" : "plain loop", seconds,
          LocalProcessCpu.now().perRowSince(cpuBefore, telemetry.count()));
      return telemetry.count() / seconds;
    } finally {
      threads.shutdown();
    }
  }

  private static double harperIO(HarperConnection connection, TelemetryPages telemetry, int batch) {
    DirectOptions options = LocalSync.directRunnerOptions();
    options.setTargetParallelism(Integer.getInteger("bench.parallelism", 3));
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply(telemetry.generate())
        .apply(HarperIO.write()
            .withTarget(new HarperTarget(connection, null, DB, TABLE))
            .withTuning(new WriteTuning(BatchSizePolicy.fixed(batch), Duration.ofSeconds(1),
                RetryPolicy.defaults()))
            .withDeadLetterName(telemetry.idPrefix()));
    LocalProcessCpu cpuBefore = LocalProcessCpu.now();
    long started = System.nanoTime();
    pipeline.run().waitUntilFinish();
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("  HarperIO.write: %.1f s, CPU: %s%n", seconds,
        LocalProcessCpu.now().perRowSince(cpuBefore, telemetry.count()));
    return telemetry.count() / seconds;
  }

  /** CPU time this JVM has used, all threads. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
