package io.bqharpersync.pipeline;

import java.util.Arrays;
import java.util.Locale;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.StreamingOptions;

/**
 * What the sync sets on the runner's options unless the command line says otherwise: a job name
 * the runner's UI shows, streaming execution for a continuous sync, on a Flink cluster a detached
 * submission of it, and on the DirectRunner enough threads for a job of several tables. Shared by the job's entry point and the local tools that start it.
 */
public final class RunnerDefaults {
  private RunnerDefaults() {}

  /** {@code bq-harper-sync-<sync name>}, in the characters every runner accepts. */
  public static String jobName(String syncName) {
    return ("bq-harper-sync-" + syncName).toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9-]", "-");
  }

  /**
   * Worker threads of the DirectRunner for a job of {@code tables} tables. A table whose Harper
   * target does not answer holds threads in retries (its writes and its first commit read); with
   * the DirectRunner's default of max(cores, 3) the other tables would wait for threads.
   */
  public static int directRunnerParallelism(int tables, int defaultParallelism) {
    return tables > 1 ? Math.max(defaultParallelism, 4 * tables) : defaultParallelism;
  }

  /** Applies the defaults to {@code options}, leaving alone what {@code args} sets explicitly. */
  public static void apply(SyncOptions options, String... args) {
    if (options.getRunner().getSimpleName().equals("DirectRunner")
        && !given(args, "targetParallelism")) {
      DirectOptions direct = options.as(DirectOptions.class);
      direct.setTargetParallelism(directRunnerParallelism(SyncTables.of(options).size(),
          direct.getTargetParallelism()));
    }
    if (!given(args, "jobName")) {
      // A name the runner's UI and REST API show, and by which a job is found again.
      options.setJobName(jobName(SyncTables.jobSyncName(options)));
    }
    boolean continuous = SyncMode.CONTINUOUS.name().equalsIgnoreCase(options.getMode());
    if (!continuous && onFlinkCluster(options) && !given(args, "streaming")) {
      // Flink runs a bounded pipeline in batch: every row is read before the first is written.
      // Streamed, a backfill writes and commits while it reads; its sources end when their input
      // is read, and so does the job.
      options.as(StreamingOptions.class).setStreaming(true);
      if (!given(args, "shutdownSourcesAfterIdleMs")) {
        options.as(FlinkPipelineOptions.class).setShutdownSourcesAfterIdleMs(0L);
      }
    }
    if (continuous) {
      // A continuous sync never ends: it runs as a streaming job on every runner.
      options.as(StreamingOptions.class).setStreaming(true);
      if (onFlinkCluster(options) && !given(args, "attachedMode")) {
        // Submitted and left running, as `flink run --detached` does; Flink restarts it from
        // its checkpoints after a failure, with no client attached.
        options.as(FlinkPipelineOptions.class).setAttachedMode(false);
      }
    }
  }

  /** Whether the options submit to a Flink cluster, rather than an embedded one. */
  public static boolean onFlinkCluster(SyncOptions options) {
    if (!options.getRunner().getSimpleName().equals("FlinkRunner")) {
      return false;
    }
    String master = options.as(FlinkPipelineOptions.class).getFlinkMaster();
    return !master.equals("[local]") && !master.equals("[auto]") && !master.equals("[collection]");
  }

  private static boolean given(String[] args, String option) {
    return Arrays.stream(args).anyMatch(arg -> arg.startsWith("--" + option + "="));
  }
}
