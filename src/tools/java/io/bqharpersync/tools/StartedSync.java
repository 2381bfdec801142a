package io.bqharpersync.tools;

import io.bqharpersync.pipeline.FlinkJobs;
import io.bqharpersync.pipeline.RunnerDefaults;
import io.bqharpersync.pipeline.SyncOptions;
import io.bqharpersync.pipeline.SyncPipeline;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.PipelineResult;

/**
 * A continuous sync started by a local tool and left running while the tool goes on: on the
 * DirectRunner inside this JVM, or submitted detached to Flink (a cluster, or the embedded mini
 * cluster), until {@link #cancel()}.
 */
final class StartedSync {
  private final PipelineResult result;
  private final String where;

  private StartedSync(PipelineResult result, String where) {
    this.result = result;
    this.where = where;
  }

  static StartedSync start(SyncOptions options) {
    RunnerDefaults.apply(options);
    options.as(DirectOptions.class).setBlockOnRun(false);
    boolean flink = options.getRunner().getSimpleName().equals("FlinkRunner");
    if (flink) {
      // Attached, the FlinkRunner would not return before the job ends, and a sync never ends.
      options.as(FlinkPipelineOptions.class).setAttachedMode(false);
    }
    PipelineResult result = SyncPipeline.run(options);
    if (!RunnerDefaults.onFlinkCluster(options)) {
      return new StartedSync(result, flink ? "on Flink's embedded mini cluster" : "in this JVM");
    }
    String master = options.as(FlinkPipelineOptions.class).getFlinkMaster();
    return new StartedSync(result, "as Flink job "
        + FlinkJobs.runningJobId(master, options.getJobName()).orElse("'" + options.getJobName() + "'")
        + " (web UI: http://" + master + ")");
  }

  /** Where the job runs, for the tool's output. */
  String describe() {
    return where;
  }

  void cancel() throws Exception {
    result.cancel();
  }
}
