package io.bqharpersync.tools;

import com.fasterxml.jackson.databind.JsonNode;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.harper.HarperException;
import io.bqharpersync.record.JsonComparison;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Checks that every node holds exactly the expected rows: every id present, every field equal, no
 * id extra. Reads each node in full (keyset-paged scan); never trusts Harper's estimated counts.
 *
 * <p>Replication is asynchronous, so a node that differs is read again until {@code settle}
 * passes; the report is of the last read.
 */
public final class ClusterVerifier {
  /** Fields Harper or the sync add to a row, which the source does not have. */
  public static final java.util.Set<String> ADDED_FIELDS = java.util.Set.of(
      "harperCreatedAt", "harperUpdatedAt", io.bqharpersync.record.SyncVersion.FIELD);

  /** What one node held against what was expected. */
  public static final class NodeReport {
    public final int slot;
    public long read;
    public long missing;
    public long different;
    public long extra;
    public final List<String> examples = new ArrayList<>();

    NodeReport(int slot) {
      this.slot = slot;
    }

    public boolean ok() {
      return missing == 0 && different == 0 && extra == 0;
    }

    @Override
    public String toString() {
      return "node " + slot + ": read=" + read + " missing=" + missing + " different=" + different
          + " extra=" + extra + (examples.isEmpty() ? "" : " e.g. " + examples);
    }
  }

  private final HarperClient client;
  private final String database;
  private final String table;
  private final String primaryKey;

  public ClusterVerifier(HarperClient client, String database, String table) {
    this(client, database, table, "id");
  }

  public ClusterVerifier(HarperClient client, String database, String table, String primaryKey) {
    this.client = client;
    this.database = database;
    this.table = table;
    this.primaryKey = primaryKey;
  }

  /**
   * @param idPrefix only rows whose id starts with this are compared (one test's or run's rows)
   * @param expectedCount how many rows are expected
   * @param expectedRow the expected row for an id, or null if that id should not exist
   */
  public List<NodeReport> verify(
      String idPrefix, long expectedCount, Function<String, JsonNode> expectedRow,
      Duration settle) throws InterruptedException {
    List<Integer> all = new ArrayList<>();
    for (int slot = 0; slot < client.connection().nodeCount(); slot++) {
      all.add(slot);
    }
    return verify(all, idPrefix, expectedCount, expectedRow, settle);
  }

  /** As {@link #verify(String, long, Function, Duration)}, for some nodes only. */
  public List<NodeReport> verify(
      List<Integer> slots, String idPrefix, long expectedCount,
      Function<String, JsonNode> expectedRow, Duration settle) throws InterruptedException {
    long deadline = System.nanoTime() + settle.toNanos();
    List<NodeReport> reports = new ArrayList<>();
    for (int slot : slots) {
      NodeReport report = null;
      while (true) {
        try {
          report = verifyNode(slot, idPrefix, expectedCount, expectedRow);
        } catch (HarperException.Retriable unavailable) {
          // A node that is restarting is not yet a verdict; if it never answers, the read fails.
          if (System.nanoTime() >= deadline) {
            throw unavailable;
          }
        }
        if ((report != null && report.ok()) || System.nanoTime() >= deadline) {
          break;
        }
        Thread.sleep(500);
      }
      reports.add(report);
    }
    return reports;
  }

  private NodeReport verifyNode(
      int slot, String idPrefix, long expectedCount, Function<String, JsonNode> expectedRow) {
    NodeReport report = new NodeReport(slot);
    long[] matched = {0};
    client.scan(slot, database, table, primaryKey, idPrefix, 2000, row -> {
      report.read++;
      String id = row.path(primaryKey).asText();
      JsonNode expected = expectedRow.apply(id);
      if (row.isObject()) {
        ((com.fasterxml.jackson.databind.node.ObjectNode) row).remove(ADDED_FIELDS);
      }
      if (expected == null) {
        report.extra++;
        example(report, "extra " + id);
      } else if (!JsonComparison.same(expected, row)) {
        report.different++;
        example(report, "different " + id + ": " + row);
      } else {
        matched[0]++;
      }
    });
    report.missing = expectedCount - matched[0] - report.different;
    return report;
  }

  private static void example(NodeReport report, String text) {
    if (report.examples.size() < 3) {
      report.examples.add(text);
    }
  }
}
