package io.bqharpersync.harper;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqharpersync.retry.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a table on every node of a cluster with {@code create_table}, typed attributes included.
 *
 * <p>Harper replicates a {@code create_table} to the other nodes, but not faithfully: 4.7.29 keeps
 * the attributes and their types on the copies and drops their flags (indexed, created/updated
 * time), and its replication was seen to miss a transaction while every connection showed as
 * connected. So each node is checked on its own, and a node the copy has not reached within the
 * wait gets its own {@code create_table}. No attribute is declared with a flag: a flag would hold
 * on one node only. The write times Harper would assign are stamped by the component's
 * {@code SyncUpsert} resource instead, on whichever node takes the write.
 */
public final class TableCreation {
  private static final Logger LOG = LoggerFactory.getLogger(TableCreation.class);
  private static final RetryPolicy QUICK = RetryPolicy.of(3, Duration.ofMillis(200), Duration.ofSeconds(3));
  private static final Duration POLL = Duration.ofMillis(200);

  /** One attribute and its Harper type (String, Boolean, Float, Any, ...). */
  public record Attribute(String name, String type) {}

  private TableCreation() {}

  /**
   * Creates {@code database.table} where it is missing and returns once every node has it.
   *
   * @param attributes the primary key first
   * @param replicationWait how long a node may take to receive another node's creation
   * @return the slots of the nodes that did not have the table before
   */
  public static List<Integer> onEveryNode(HarperClient client, String database, String table,
      List<Attribute> attributes, Duration replicationWait) {
    List<Integer> created = new ArrayList<>();
    for (int slot = 0; slot < client.connection().nodeCount(); slot++) {
      if (exists(client, slot, database, table)) {
        continue;
      }
      created.add(slot);
      if (!created.get(0).equals(slot) && arrives(client, slot, database, table, replicationWait)) {
        LOG.info("table {}.{} reached node {} by replication", database, table, client.connection().node(slot));
        continue;
      }
      create(client, slot, database, table, attributes);
      if (!exists(client, slot, database, table)) {
        throw new IllegalStateException("create_table of " + database + "." + table + " on node "
            + client.connection().node(slot) + " succeeded, but the node does not list the table");
      }
    }
    return created;
  }

  /** Whether the node has the table: a lookup of an id that is not there proves it. */
  public static boolean exists(HarperClient client, int slot, String database, String table) {
    try {
      QUICK.run(() -> client.getById(slot, database, table, "bq-harper-sync-probe"),
          HarperException::isRetriable, () -> {});
      return true;
    } catch (HarperException.Permanent e) {
      if (isMissingTable(e)) {
        return false;
      }
      throw e;
    }
  }

  /** Harper's answer for a table or database that is not there. */
  public static boolean isMissingTable(HarperException.Permanent e) {
    String message = e.harperMessage() == null ? "" : e.harperMessage();
    return e.statusCode() == 404 && message.contains("does not exist");
  }

  private static boolean arrives(HarperClient client, int slot, String database, String table,
      Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for table " + table, e);
      }
      if (exists(client, slot, database, table)) {
        return true;
      }
    }
    return false;
  }

  private static void create(HarperClient client, int slot, String database, String table,
      List<Attribute> attributes) {
    ObjectNode body = HarperClient.operation("create_table", database, table);
    body.put("primary_key", attributes.get(0).name());
    ArrayNode declared = body.putArray("attributes");
    for (Attribute attribute : attributes) {
      declared.addObject().put("name", attribute.name()).put("type", attribute.type());
    }
    try {
      QUICK.run(() -> client.operation(slot, body), HarperException::isRetriable, () -> {});
      LOG.info("created table {}.{} on node {}: {}", database, table,
          client.connection().node(slot), attributes);
    } catch (HarperException.Permanent e) {
      // Another node's creation arrived between the check and the call.
      if (e.harperMessage() == null || !e.harperMessage().contains("already exists")) {
        throw e;
      }
    }
  }
}
