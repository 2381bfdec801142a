package io.bqharpersync.pipeline;

import io.bqharpersync.options.DurationText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.runners.dataflow.DataflowPipelineJob;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.flink.FlinkDetachedRunnerResult;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.PipelineResult;

/**
 * Command-line entry point: {@code --pipelineFile} and {@code --runnerConfig} are expanded into
 * options, the options are checked, and the job runs until it finishes (a backfill) or is
 * cancelled (a continuous sync). A configuration error exits with status 2 and one line naming
 * the option; {@code --help} lists every option with its description and default.
 */
public final class SyncMain {
  private SyncMain() {}

  public static void main(String[] args) {
    if (Arrays.asList(args).contains("--help")) {
      // Beam prints an options interface's own help for --help=<interface>; plain --help would
      // only list the registered interfaces.
      PipelineFile.options(new String[] {"--help=" + SyncOptions.class.getName()}, SyncOptions.class);
      return;
    }
    PipelineResult result;
    SyncOptions options;
    Duration progressInterval;
    try {
      options = PipelineFile.options(args, SyncOptions.class);
      RunnerDefaults.apply(options, args);
      progressInterval = DurationText.parse("progressInterval", options.getProgressInterval());
      // The DirectRunner returns at once, so this JVM can print progress while it runs the job.
      options.as(DirectOptions.class).setBlockOnRun(false);
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
    if (result instanceof DataflowPipelineJob job) {
      // As `gcloud dataflow` does, and as a Flex Template's launcher needs: the job runs on.
      System.out.println("sync job submitted to Dataflow: job " + job.getJobId() + " '"
          + options.getJobName() + "' in " + job.getRegion() + "; console: "
          + "https://console.cloud.google.com/dataflow/jobs/" + job.getRegion() + "/"
          + job.getJobId() + "?project=" + job.getProjectId());
      System.exit(0);
    }
    PipelineResult.State state;
    List<LiveProgress> progress = new ArrayList<>();
    if (!progressInterval.isZero()) {
      List<SyncConfig> tables = SyncTables.configs(options);
      for (SyncConfig table : tables) {
        progress.add(LiveProgress.of(table, tables.size() > 1, System.out).start(progressInterval));
      }
    }
    try {
      state = result.waitUntilFinish();
    } finally {
      progress.forEach(LiveProgress::close);
    }
    System.out.println("sync job ended: " + state);
    System.exit(state == PipelineResult.State.DONE ? 0 : 1);
  }
}
