package io.bqharpersync.tools;

import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.harper.HarperConnection;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Harper cluster that {@code scripts/harper-cluster start} runs for the integration
 * tests: nodes at 127.0.0.1..N, credentials from HARPER_USER / HARPER_PASSWORD.
 */
public final class LocalHarperCluster {
  private LocalHarperCluster() {}

  public static int nodeCount() {
    return connection().nodeCount();
  }

  /** Nodes from HARPER_NODES (comma-separated URLs), else 127.0.0.1..N from HARPER_NODES_COUNT. */
  public static HarperConnection connection() {
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
    return HarperConnection.of(nodes, System.getenv().getOrDefault("HARPER_USER", "admin"),
        password());
  }

  /** HARPER_PASSWORD, else the loopback-only cluster's local default, as scripts/harper-cluster. */
  public static String password() {
    return System.getenv().getOrDefault("HARPER_PASSWORD", "harper-local-dev");
  }

  public static HarperClient client() {
    return new HarperClient(connection());
  }

  /** A prefix no other test run shares, so tests need no cleanup between runs. */
  public static String uniquePrefix(String test) {
    return test + "-" + Long.toString(System.currentTimeMillis(), 36);
  }

  /** Node numbers are 1-based, as the script's; node slot = number - 1. */
  public static void stopNode(int number) {
    script("stop-node", number);
  }

  public static void startNode(int number) {
    script("start-node", number);
  }

  /** Cuts node {@code number}'s replication links; it keeps serving its own reads and writes. */
  public static void partitionNode(int number) {
    script("partition", number);
  }

  public static void healNode(int number) {
    script("heal", number);
  }

  private static void script(String command, int number) {
    try {
      Process process =
          new ProcessBuilder("scripts/harper-cluster", command, Integer.toString(number))
              .directory(new File(System.getProperty("user.dir")))
              .inheritIO()
              .start();
      if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException("scripts/harper-cluster " + command + " " + number + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
