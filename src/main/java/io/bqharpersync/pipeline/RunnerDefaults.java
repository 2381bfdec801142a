package io.bqharpersync.pipeline;

import java.util.Arrays;
import java.util.Locale;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.StreamingOptions;

/**
 * What the sync sets on the runner's options unless the command line says otherwise: a job name
 * the runner's UI shows, streaming execution for a continuous sync, and on a Flink cluster a
 * detached submission of it. Shared by the job's entry point and the local tools that start it.
 */
public final class RunnerDefaults {
  private RunnerDefaults() {}

  /** {@code bq-harper-sync-<sync name>}, in the characters every runner accepts. */
  public static String jobName(String syncName) {
    return ("bq-harper-sync-" + syncName).toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9-]", "-");
  }

  /** Applies the defaults to {@code options}, leaving alone what {@code args} sets explicitly. */
  public static void apply(SyncOptions options, String... args) {
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
