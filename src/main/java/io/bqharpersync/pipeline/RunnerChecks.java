package io.bqharpersync.pipeline;

import org.apache.beam.runners.dataflow.options.DataflowPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * What a runner needs from the options, checked before anything is contacted, so a missing
 * runner option is named at once and not found by the runner after the sync's own checks.
 */
final class RunnerChecks {
  private RunnerChecks() {}

  static void check(PipelineOptions options) {
    if (options.getRunner().getSimpleName().equals("DataflowRunner")) {
      DataflowPipelineOptions dataflow = options.as(DataflowPipelineOptions.class);
      required("project", dataflow.getProject(), "the Google Cloud project the job runs in");
      required("region", dataflow.getRegion(), "the Dataflow region, e.g. us-central1");
      String temp = dataflow.getTempLocation();
      required("tempLocation", temp, "a gs:// path for the job's temporary files");
      if (!temp.startsWith("gs://")) {
        throw new IllegalArgumentException(
            "--tempLocation: on Dataflow a gs:// path, got '" + temp + "'");
      }
    }
  }

  private static void required(String option, String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("--" + option + ": required on Dataflow: " + what);
    }
  }
}
