package io.bqharpersync.pipeline;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FieldList;
import com.google.cloud.bigquery.LegacySQLTypeName;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableId;
import io.bqharpersync.checkpoint.CheckpointStore;
import io.bqharpersync.harper.DeadLetter;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.harper.HarperConnection;
import io.bqharpersync.harper.HarperException;
import io.bqharpersync.record.Cursor;
import io.bqharpersync.retry.RetryPolicy;
import io.bqharpersync.source.BigQueryShardReader;
import io.bqharpersync.source.ShardQuery;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a {@link SyncConfig} against the real systems before the pipeline is built, so that a
 * wrong option fails the job before its first read or write, with a message that names the
 * option: the source table and its columns, every Harper node (reachable, login accepted, target
 * and sync tables present), and a dry run of a shard query. It also resolves what the options
 * leave open: "every column", the id type, and the nodes of a seed node's cluster.
 */
public final class Preflight {
  private static final Logger LOG = LoggerFactory.getLogger(Preflight.class);
  private static final RetryPolicy QUICK = RetryPolicy.of(2, Duration.ofMillis(200), Duration.ofSeconds(3));

  private Preflight() {}

  public static SyncConfig check(SyncConfig config) {
    HarperConnection harper = checkHarper(config);
    BigQuery bigquery = BigQueryShardReader.client(config.bigQueryProject, config.bigQueryEndpoint,
        config.requestTimeout);
    FieldList fields = sourceSchema(bigquery, config);
    List<String> columns = config.columns.isEmpty() ? names(fields) : config.columns;
    for (String column : columns) {
      field(fields, column, "columns", config);
    }
    ShardQuery.IdType idType = idType(field(fields, config.idColumn, "idColumn", config));
    Field cursor = field(fields, config.cursorColumn, "cursorColumn", config);
    if (cursor.getType() != LegacySQLTypeName.TIMESTAMP) {
      throw new IllegalArgumentException("--cursorColumn: column '" + config.cursorColumn + "' of "
          + config.sourceTable + " is " + cursor.getType() + "; it must be a TIMESTAMP");
    }
    List<String> selected = new ArrayList<>(columns);
    for (String needed : List.of(config.idColumn, config.cursorColumn)) {
      if (!selected.contains(needed)) {
        selected.add(needed);
      }
    }
    SyncConfig resolved = config.resolved(selected, idType, harper);
    BigQueryShardReader reader = new BigQueryShardReader(bigquery, QUICK, () -> {});
    try {
      long bytes = reader.dryRunBytes(
          resolved.shardQuery(0).page(Cursor.START, Instant.now(), resolved.pageRows));
      LOG.info("preflight: a first page of a shard would process {} bytes", bytes);
    } catch (BigQueryException e) {
      throw new IllegalArgumentException("--sourceTable: BigQuery rejected the shard query: "
          + e.getMessage(), e);
    }
    LOG.info("preflight passed: {}", resolved);
    return resolved;
  }

  private static HarperConnection checkHarper(SyncConfig config) {
    HarperConnection harper = config.harper;
    if (config.harperSeedNode != null) {
      harper = harper.withNodes(discover(config));
    }
    try (HarperClient client = new HarperClient(harper)) {
      for (int slot = 0; slot < harper.nodeCount(); slot++) {
        for (String table : List.of(config.harperTable, CheckpointStore.TABLE, DeadLetter.TABLE)) {
          describe(client, slot, config, table);
        }
      }
    }
    return harper;
  }

  private static void describe(HarperClient client, int slot, SyncConfig config, String table) {
    String node = client.connection().node(slot);
    try {
      // A lookup of an id that is not there: it proves the login and the table, and unlike
      // describe_table (about a second on a table of millions of rows) it costs nothing.
      QUICK.run(() -> client.getById(slot, config.harperDatabase, table, "bq-harper-sync-preflight"),
          HarperException::isRetriable, () -> {});
    } catch (HarperException.Permanent e) {
      if (e.statusCode() == 401 || e.statusCode() == 403) {
        throw new IllegalArgumentException("--harperUser / --harperPasswordEnv: node " + node
            + " refused the login for user '" + config.harper.username() + "'");
      }
      String option = table.equals(config.harperTable) ? "--harperTable" : "--harperDatabase";
      throw new IllegalArgumentException(option + ": node " + node + " has no table "
          + config.harperDatabase + "." + table + " (" + e.harperMessage() + ")"
          + (option.equals("--harperDatabase")
              ? "; load the bq-harper-sync component (src/main/harper) on every node" : ""));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--harperNodes: node " + node + " is unreachable: "
          + e.getMessage(), e);
    }
  }

  /** The seed and its replication peers, as operations API URLs ordered by address. */
  private static List<String> discover(SyncConfig config) {
    URI seed = URI.create(config.harperSeedNode);
    TreeSet<String> nodes = new TreeSet<>();
    nodes.add(config.harperSeedNode);
    try (HarperClient client = new HarperClient(config.harper)) {
      for (String peer : QUICK.run(() -> client.clusterPeers(0), HarperException::isRetriable, () -> {})) {
        String host = peer.contains("://") ? URI.create(peer).getHost() : peer;
        nodes.add(seed.getScheme() + "://" + host + ":" + seed.getPort());
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--harperSeedNode: cannot list the cluster of "
          + config.harperSeedNode + ": " + e.getMessage(), e);
    }
    LOG.info("discovered Harper nodes {}", nodes);
    return new ArrayList<>(nodes);
  }

  private static FieldList sourceSchema(BigQuery bigquery, SyncConfig config) {
    String[] parts = config.sourceTable.split("\\.");
    Table table;
    try {
      table = bigquery.getTable(TableId.of(parts[0], parts[1], parts[2]));
    } catch (BigQueryException e) {
      String option = e.getCode() == 0 && config.bigQueryEndpoint != null
          ? "--bigQueryEndpoint" : "--sourceTable";
      throw new IllegalArgumentException(option + ": cannot read table " + config.sourceTable
          + ": " + e.getMessage(), e);
    }
    if (table == null) {
      throw new IllegalArgumentException("--sourceTable: table " + config.sourceTable + " not found");
    }
    return table.getDefinition().getSchema().getFields();
  }

  private static Field field(FieldList fields, String column, String option, SyncConfig config) {
    for (Field field : fields) {
      if (field.getName().equalsIgnoreCase(column)) {
        return field;
      }
    }
    throw new IllegalArgumentException("--" + option + ": column '" + column + "' is not in "
        + config.sourceTable + " (its columns: " + String.join(", ", names(fields)) + ")");
  }

  private static ShardQuery.IdType idType(Field id) {
    if (id.getType() == LegacySQLTypeName.STRING) {
      return ShardQuery.IdType.STRING;
    }
    if (id.getType() == LegacySQLTypeName.INTEGER) {
      return ShardQuery.IdType.INT64;
    }
    throw new IllegalArgumentException("--idColumn: column '" + id.getName() + "' is "
        + id.getType() + "; it must be a STRING or an INT64");
  }

  private static List<String> names(FieldList fields) {
    List<String> names = new ArrayList<>();
    for (Field field : fields) {
      names.add(field.getName());
    }
    return names;
  }
}
