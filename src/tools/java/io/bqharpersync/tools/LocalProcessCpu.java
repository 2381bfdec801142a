package io.bqharpersync.tools;

import io.bqharpersync.bqlocal.BigQueryStandIn;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time used so far by the local processes a benchmark shares the machine with: the Harper
 * nodes of {@code scripts/harper-cluster} and the TaskManager of {@code scripts/flink-cluster}
 * (from their pid files and {@code /proc}), and this JVM. Read before and after a measured path,
 * it says where that path's CPU went, per row; on a machine whose cores the job and the cluster
 * share, that is what bounds the ratio of the two paths. {@code standInNanos} is the part of this
 * JVM's that the embedded BigQuery stand-in's threads used: work BigQuery does elsewhere.
 */
record LocalProcessCpu(long harperNanos, long taskManagerNanos, long thisJvmNanos,
    long standInNanos) {
  /** Linux's USER_HZ: the unit of the times in {@code /proc/<pid>/stat}. */
  private static final long TICKS_PER_SECOND = 100;

  static LocalProcessCpu now() {
    return new LocalProcessCpu(harperCpuNanos(), cpuNanos(Path.of(".flink", "taskmanager.pid")),
        HarperWriteBenchmark.processCpuNanos(), threadsCpuNanos(BigQueryStandIn.THREAD_NAME));
  }

  private static long harperCpuNanos() {
    long nanos = 0;
    for (Path pidFile : harperPidFiles()) {
      nanos += cpuNanos(pidFile);
    }
    return nanos;
  }

  /** CPU time of this JVM's live threads called {@code name}. */
  private static long threadsCpuNanos(String name) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long nanos = 0;
    for (ThreadInfo thread : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (thread != null && thread.getThreadName().equals(name)) {
        nanos += Math.max(0, threads.getThreadCpuTime(thread.getThreadId()));
      }
    }
    return nanos;
  }

  /**
   * Waits until the Harper nodes have gone quiet (under a tenth of a core for two 200 ms samples
   * in a row, at most 60 s); returns the seconds from the call until that quiet began. A node
   * acknowledges an upsert once it has applied it; its peers apply the replicated rows after
   * that, so a write path ends, for the cluster, only when this returns.
   */
  static double secondsUntilHarperQuiet() throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + 60_000_000_000L;
    long quietSince = -1;
    int quietSamples = 0;
    long before = harperCpuNanos();
    while (quietSamples < 2 && System.nanoTime() < deadline) {
      long sampleStart = System.nanoTime();
      Thread.sleep(200);
      long after = harperCpuNanos();
      long used = after - before;
      long elapsed = System.nanoTime() - sampleStart;
      before = after;
      if (used * 10 < elapsed) {
        if (quietSamples++ == 0) {
          quietSince = sampleStart;
        }
      } else {
        quietSamples = 0;
      }
    }
    return ((quietSamples >= 2 ? quietSince : System.nanoTime()) - start) / 1e9;
  }

  /** What each process used since {@code before}, per row, in µs: one line for a report. */
  String perRowSince(LocalProcessCpu before, long rows) {
    String line = String.format(
        "Harper nodes %.0f µs/row, this JVM %.0f µs/row (the BigQuery stand-in %.0f of it)",
        (harperNanos - before.harperNanos) / 1e3 / rows,
        (thisJvmNanos - before.thisJvmNanos) / 1e3 / rows,
        (standInNanos - before.standInNanos) / 1e3 / rows);
    long taskManager = taskManagerNanos - before.taskManagerNanos;
    return taskManager > 0
        ? line + String.format(", Flink TaskManager %.0f µs/row", taskManager / 1e3 / rows)
        : line;
  }

  private static List<Path> harperPidFiles() {
    List<Path> files = new ArrayList<>();
    for (int node = 1; node <= LocalHarperCluster.nodeCount(); node++) {
      files.add(Path.of(".harper", "nodes", "node" + node, "run.pid"));
    }
    return files;
  }

  /** utime + stime of the process in {@code pidFile}, all its threads; 0 when it is not running. */
  private static long cpuNanos(Path pidFile) {
    try {
      String pid = Files.readString(pidFile).trim();
      String stat = Files.readString(Path.of("/proc", pid, "stat"));
      // The fields after the command name, which is in parentheses and may hold spaces.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks * 1_000_000_000L / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
