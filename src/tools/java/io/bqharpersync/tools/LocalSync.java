package io.bqharpersync.tools;

import com.google.cloud.bigquery.TableId;
import io.bqharpersync.pipeline.PipelineFile;
import io.bqharpersync.pipeline.SyncOptions;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The local sync's definition and runner configuration, as the demo, the benchmarks and the tests
 * run it; the cluster it writes to is {@link LocalHarperCluster}.
 */
public final class LocalSync {
  /**
   * The FlinkRunner logs every transform it translates and every metric of a finished job; the
   * tools print what they measure themselves.
   */
  private static final Logger FLINK_RUNNER = Logger.getLogger("org.apache.beam.runners.flink");

  static {
    FLINK_RUNNER.setLevel(Level.WARNING);
  }

  private LocalSync() {}

  /**
   * DirectRunner options for the operator tools: the immutability and encodability checks are
   * test aids that triple the runner's cost per element.
   */
  public static DirectOptions directRunnerOptions() {
    DirectOptions options = PipelineOptionsFactory.create().as(DirectOptions.class);
    options.setEnforceImmutability(false);
    options.setEnforceEncodability(false);
    return options;
  }

  /** The local sync's definition and runner configuration, as the demo and benchmark run it. */
  public static final String PIPELINE_FILE = "pipelines/telemetry-local.yaml";
  public static final String RUNNER_CONFIG = "runner-configs/direct.yaml";

  /** Options of a local sync of {@code table}: {@link #PIPELINE_FILE}, {@link #RUNNER_CONFIG}, then {@code more}. */
  public static SyncOptions syncOptions(TableId table, String endpoint, String syncName,
      String... more) {
    return syncOptions(RUNNER_CONFIG, table, endpoint, syncName, more);
  }

  /** Options of a local sync of {@code table}: {@link #PIPELINE_FILE}, {@code runnerConfig}, then {@code more}. */
  public static SyncOptions syncOptions(String runnerConfig, TableId table, String endpoint,
      String syncName, String... more) {
    List<String> args = new ArrayList<>(List.of("--pipelineFile=" + PIPELINE_FILE,
        "--runnerConfig=" + runnerConfig, "--sourceTable=" + TelemetryTable.qualifiedName(table),
        "--bigQueryEndpoint=" + endpoint, "--syncName=" + syncName));
    args.addAll(List.of(more));
    return PipelineFile.options(args.toArray(new String[0]), SyncOptions.class);
  }

  /**
   * {@code options} with the read and write pacing of {@link #PIPELINE_FILE} (safety lag, poll and
   * re-scan intervals, lookback, batch size and buffering) put back to the options' defaults, the
   * values the README documents.
   */
  public static SyncOptions withDefaultPacing(SyncOptions options) {
    SyncOptions defaults = PipelineOptionsFactory.create().as(SyncOptions.class);
    options.setSafetyLag(defaults.getSafetyLag());
    options.setPollInterval(defaults.getPollInterval());
    options.setLookback(defaults.getLookback());
    options.setRescanInterval(defaults.getRescanInterval());
    options.setNullTimestampScanInterval(defaults.getNullTimestampScanInterval());
    options.setBatchSize(defaults.getBatchSize());
    options.setMaxBufferingDuration(defaults.getMaxBufferingDuration());
    return options;
  }
}
