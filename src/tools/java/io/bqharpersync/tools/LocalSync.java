package io.bqharpersync.tools;

import com.google.cloud.bigquery.TableId;
import io.bqharpersync.harper.HarperConnection;
import io.bqharpersync.pipeline.PipelineFile;
import io.bqharpersync.pipeline.SyncOptions;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster that {@code scripts/harper-cluster} starts, and the local sync definition, as the
 * operator tools (demo, benchmarks) address them.
 */
public final class LocalSync {
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
    List<String> args = new ArrayList<>(List.of("--pipelineFile=" + PIPELINE_FILE,
        "--runnerConfig=" + RUNNER_CONFIG, "--sourceTable=" + TelemetryTable.qualifiedName(table),
        "--bigQueryEndpoint=" + endpoint, "--syncName=" + syncName));
    args.addAll(List.of(more));
    return PipelineFile.options(args.toArray(new String[0]), SyncOptions.class);
  }

  /** Nodes from HARPER_NODES (comma-separated URLs), else 127.0.0.1..N from HARPER_NODES_COUNT. */
  public static HarperConnection fromEnvironment() {
    List<String> nodes = new ArrayList<>();
    String listed = System.getenv("HARPER_NODES");
    if (listed != null && !listed.isBlank()) {
      for (String url : listed.split(",")) {
        nodes.add(url.trim());
      }
    } else {
      int count = Integer.parseInt(System.getenv().getOrDefault("HARPER_NODES_COUNT", "3"));
      for (int i = 1; i <= count; i++) {
        nodes.add("http://127.0.0." + i + ":9925");
      }
    }
    return HarperConnection.of(
        nodes,
        System.getenv().getOrDefault("HARPER_USER", "admin"),
        System.getenv().getOrDefault("HARPER_PASSWORD", "harper-local-dev"));
  }
}
