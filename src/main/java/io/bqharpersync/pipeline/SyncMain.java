package io.bqharpersync.pipeline;

import org.apache.beam.sdk.PipelineResult;

/**
 * Command-line entry point: {@code --pipelineFile} and {@code --runnerConfig} are expanded into
 * options, the options are checked, and the job runs until it finishes (a backfill) or is
 * cancelled (a continuous sync). A configuration error exits with status 2 and one line naming
 * the option.
 */
public final class SyncMain {
  private SyncMain() {}

  public static void main(String[] args) {
    PipelineResult result;
    try {
      result = SyncPipeline.run(PipelineFile.options(args, SyncOptions.class));
    } catch (IllegalArgumentException e) {
      System.err.println("configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    PipelineResult.State state = result.waitUntilFinish();
    System.out.println("sync job ended: " + state);
    System.exit(state == PipelineResult.State.DONE ? 0 : 1);
  }
}
