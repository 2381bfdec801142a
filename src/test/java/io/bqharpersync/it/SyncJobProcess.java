package io.bqharpersync.it;

import io.bqharpersync.checkpoint.ShardCheckpoint;
import io.bqharpersync.harper.HarperClient;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A sync job in a JVM of its own, so that a test can kill it with SIGKILL. */
final class SyncJobProcess {
  private SyncJobProcess() {}

  /** Starts {@code SyncMain} with {@code args} on this JVM's class path, appending to {@code log}. */
  static Process start(List<String> args, Path log) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "-Djava.util.logging.SimpleFormatter.format=%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n",
        "io.bqharpersync.pipeline.SyncMain"));
    command.addAll(args);
    command.add("--enforceImmutability=false");
    command.add("--enforceEncodability=false");
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .directory(new File(System.getProperty("user.dir")))
        .start();
  }

  /**
   * Waits until the job commits a checkpoint of its own (or ends, or {@code boundSeconds} pass);
   * returns how long that took, in milliseconds.
   */
  static long awaitFirstCommit(Process job, SyncFixture sync, HarperClient harper, int shards,
      long boundSeconds) throws InterruptedException {
    long before = committed(sync, harper, shards);
    long started = System.nanoTime();
    while (job.isAlive() && committed(sync, harper, shards) == before
        && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(boundSeconds)) {
      Thread.sleep(100);
    }
    return (System.nanoTime() - started) / 1_000_000;
  }

  /** Rows committed over every shard's checkpoint. */
  static long committed(SyncFixture sync, HarperClient harper, int shards) {
    long total = 0;
    for (int shard = 0; shard < shards; shard++) {
      total += sync.checkpoint(harper, shards, shard).map(ShardCheckpoint::recordsSynced).orElse(0L);
    }
    return total;
  }
}
