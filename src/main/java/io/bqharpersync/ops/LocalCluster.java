package io.bqharpersync.ops;

import io.bqharpersync.harper.HarperConnection;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import java.util.ArrayList;
import java.util.List;

/** The cluster that {@code scripts/harper-cluster} starts, as the operator tools address it. */
public final class LocalCluster {
  private LocalCluster() {}

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
