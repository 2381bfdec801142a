package io.bqharpersync.pipeline;

import java.util.Arrays;
import java.util.Locale;
import org.apache.beam.runners.flink.FlinkDetachedRunnerResult;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.StreamingOptions;

/**
 * Command-line entry point: {@code --pipelineFile} and {@code --runnerConfig} are expanded into
 * options, the options are checked, and the job runs until it finishes (a backfill) or is
 * cancelled (a continuous sync). A configuration error exits with status 2 and one line naming
 * the option; {@code --help} lists every option with its description and default.
 */
public final class SyncMain {
  private SyncMain() {}

  /** {@code bq-harper-sync-<sync name>}, in the characters every runner accepts. */
  static String jobName(SyncConfig config) {
    return ("bq-harper-sync-" + config.syncName()).toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9-]", "-");
  }

  public static void main(String[] args) {
    if (Arrays.asList(args).contains("--help")) {
      // Beam prints an options interface's own help for --help=<interface>; plain --help would
      // only list the registered interfaces.
      PipelineFile.options(new String[] {"--help=" + SyncOptions.class.getName()}, SyncOptions.class);
      return;
    }
    PipelineResult result;
    SyncOptions options;
    try {
      options = PipelineFile.options(args, SyncOptions.class);
      if (Arrays.stream(args).noneMatch(arg -> arg.startsWith("--jobName="))) {
        // A name the runner's UI and REST API show, and by which a job is found again.
        options.setJobName(jobName(SyncConfig.from(options)));
      }
      if (SyncMode.CONTINUOUS.name().equalsIgnoreCase(options.getMode())) {
        // A continuous sync never ends: it runs as a streaming job on every runner.
        options.as(StreamingOptions.class).setStreaming(true);
        if (options.getRunner().getSimpleName().equals("FlinkRunner")
            && Arrays.stream(args).noneMatch(arg -> arg.startsWith("--attachedMode="))) {
          // Submitted and left running, as `flink run --detached` does; Flink restarts it from
          // its checkpoints after a failure, with no client attached.
          options.as(FlinkPipelineOptions.class).setAttachedMode(false);
        }
      }
      result = SyncPipeline.run(options);
    } catch (IllegalArgumentException e) {
      System.err.println("configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (result instanceof FlinkDetachedRunnerResult) {
      String master = options.as(FlinkPipelineOptions.class).getFlinkMaster();
      System.out.println("sync job submitted and running: Flink job "
          + FlinkJobs.runningJobId(master, options.getJobName()).orElse("(id not found)")
          + " '" + options.getJobName() + "'; web UI: http://" + master);
      System.exit(0);
    }
    PipelineResult.State state = result.waitUntilFinish();
    System.out.println("sync job ended: " + state);
    System.exit(state == PipelineResult.State.DONE ? 0 : 1);
  }
}
