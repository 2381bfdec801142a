package io.bqharpersync.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.bqharpersync.harper.HarperTarget;
import io.bqharpersync.harper.HarperException;
import io.bqharpersync.harper.TableCreation;
import io.bqharpersync.record.Cursor;
import io.bqharpersync.retry.RetryPolicy;
import io.bqharpersync.source.BigQueryShardReader;
import io.bqharpersync.source.ShardQuery;
import io.bqharpersync.source.SourceTable;
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
 * option: the source table and its columns, every Harper node (reachable, login accepted, sync
 * tables present), the target table's types, and a dry run of a shard query. It also resolves what
 * the options leave open: "every column", the id type, and the nodes of a seed node's cluster.
 * When every check has passed, it creates the target table where a node lacks it, from the
 * source's schema ({@link TargetTypes}).
 */
public final class Preflight {
  private static final Logger LOG = LoggerFactory.getLogger(Preflight.class);
  private static final RetryPolicy QUICK = RetryPolicy.of(2, Duration.ofMillis(200), Duration.ofSeconds(3));
  /** How long a node may take to receive a table another node created. */
  private static final Duration REPLICATION_WAIT = Duration.ofSeconds(10);

  private Preflight() {}

  /** A table's configuration checked and resolved, and what its target table still lacks. */
  private record Checked(SyncConfig resolved, List<Field> selected, int firstWithoutTarget) {}

  /** Checks one table's configuration, then creates its target table where it is missing. */
  public static SyncConfig check(SyncConfig config) {
    return checkAll(List.of(config)).get(0);
  }

  /**
   * Checks every table of a job, each error naming its table when there are several, and only
   * then, as the job's first writes, creates the target tables that are missing.
   */
  public static List<SyncConfig> checkAll(List<SyncConfig> configs) {
    List<Checked> checked = new ArrayList<>();
    for (int i = 0; i < configs.size(); i++) {
      try {
        checked.add(inspect(configs.get(i)));
      } catch (IllegalArgumentException e) {
        throw SyncTables.named(configs.size(), i, configs.get(i).source().table(), e);
      }
    }
    List<SyncConfig> resolved = new ArrayList<>();
    for (Checked table : checked) {
      if (table.firstWithoutTarget() >= 0) {
        createTarget(table);
      }
      LOG.info("preflight passed: {}", table.resolved());
      resolved.add(table.resolved());
    }
    return resolved;
  }

  private static Checked inspect(SyncConfig config) {
    HarperTarget target = checkHarper(config);
    int firstWithoutTarget = missingTargetOn(target);
    SourceTable source = config.source();
    BigQuery bigquery = source.client();
    FieldList fields = sourceSchema(bigquery, source);
    List<String> columns = source.columns().isEmpty() ? names(fields) : source.columns();
    for (String column : columns) {
      field(fields, column, "columns", source);
    }
    ShardQuery.IdType idType = idType(field(fields, source.idColumn(), "idColumn", source));
    Field cursor = field(fields, source.cursorColumn(), "cursorColumn", source);
    if (cursor.getType() != LegacySQLTypeName.TIMESTAMP) {
      throw new IllegalArgumentException("--cursorColumn: column '" + source.cursorColumn()
          + "' of " + source.table() + " is " + cursor.getType() + "; it must be a TIMESTAMP");
    }
    SyncConfig resolved = config.withSource(source.resolved(columns, idType)).withTarget(target);
    List<Field> selected = new ArrayList<>();
    for (String column : resolved.source().columns()) {
      selected.add(field(fields, column, "columns", source));
    }
    try (HarperClient client = new HarperClient(target.connection())) {
      // Node 0 has the table: its types are checked before anything is written.
      if (firstWithoutTarget != 0) {
        checkTypes(client, target, resolved.source(), selected);
      }
    }
    BigQueryShardReader reader = new BigQueryShardReader(bigquery, QUICK, () -> {});
    try {
      long bytes = reader.dryRunBytes(resolved.source().shardQuery(0, resolved.reading().shards())
          .page(Cursor.START, Instant.now(), resolved.reading().pageRows()));
      LOG.info("preflight: a first page of a shard would process {} bytes", bytes);
    } catch (BigQueryException e) {
      throw new IllegalArgumentException("--sourceTable: BigQuery rejected the shard query: "
          + e.getMessage(), e);
    }
    return new Checked(resolved, selected, firstWithoutTarget);
  }

  private static void createTarget(Checked table) {
    HarperTarget target = table.resolved().target();
    SourceTable source = table.resolved().source();
    try (HarperClient client = new HarperClient(target.connection())) {
      List<Integer> created = TableCreation.onEveryNode(client, target.database(), target.table(),
          TargetTypes.attributes(source.idColumn(), table.selected()), REPLICATION_WAIT);
      LOG.info("created {}.{} from the schema of {} (missing on nodes {})", target.database(),
          target.table(), source.table(), created);
      if (table.firstWithoutTarget() == 0) {
        checkTypes(client, target, source, table.selected());
      }
    }
  }

  private static void checkTypes(HarperClient client, HarperTarget target, SourceTable source,
      List<Field> selected) {
    // The table's schema is the same on every node: one node's answer serves for all.
    JsonNode described = QUICK.run(() -> client.operation(0,
        HarperClient.operation("describe_table", target.database(), target.table())),
        HarperException::isRetriable, () -> {});
    TargetTypes.check(described, target, source, selected);
  }

  private static HarperTarget checkHarper(SyncConfig config) {
    HarperTarget target = config.target();
    if (target.seedNode() != null) {
      target = target.withNodes(discover(target));
    }
    try (HarperClient client = new HarperClient(target.connection())) {
      for (int slot = 0; slot < target.connection().nodeCount(); slot++) {
        for (String table : List.of(CheckpointStore.TABLE, DeadLetter.TABLE)) {
          describe(client, slot, target, table);
        }
        if (!config.historyInterval().isZero()) {
          describe(client, slot, target, CheckpointStore.HISTORY);
        }
      }
    }
    return target;
  }

  /** The first node without the target table, or -1 when every node has it. */
  private static int missingTargetOn(HarperTarget target) {
    try (HarperClient client = new HarperClient(target.connection())) {
      for (int slot = 0; slot < target.connection().nodeCount(); slot++) {
        try {
          if (!TableCreation.exists(client, slot, target.database(), target.table())) {
            return slot;
          }
        } catch (HarperException.Permanent e) {
          describe(client, slot, target, target.table());
        }
      }
    }
    return -1;
  }

  private static void describe(HarperClient client, int slot, HarperTarget target, String table) {
    String node = client.connection().node(slot);
    try {
      // A lookup of an id that is not there: it proves the login and the table, and unlike
      // describe_table (about a second on a table of millions of rows) it costs nothing.
      QUICK.run(() -> client.getById(slot, target.database(), table, "bq-harper-sync-preflight"),
          HarperException::isRetriable, () -> {});
    } catch (HarperException.Permanent e) {
      if (e.statusCode() == 401 || e.statusCode() == 403) {
        throw new IllegalArgumentException("--harperUser / --harperPasswordEnv: node " + node
            + " refused the login for user '" + target.connection().username() + "'");
      }
      if (e.harperMessage() == null || e.harperMessage().isBlank()) {
        // Harper names what it refuses; an empty answer is some other server at that address.
        throw new IllegalArgumentException("--harperNodes: node " + node + " answered HTTP "
            + e.statusCode() + " with no Harper error message: is it a Harper operations API "
            + "(port 9925 by default)?");
      }
      String option = table.equals(target.table()) ? "--harperTable" : "--harperDatabase";
      throw new IllegalArgumentException(option + ": node " + node + " has no table "
          + target.database() + "." + table + " (" + e.harperMessage() + ")"
          + (option.equals("--harperDatabase")
              ? "; load the bq-harper-sync component (src/main/harper) on every node" : ""));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--harperNodes: node " + node + " is unreachable: "
          + e.getMessage(), e);
    }
  }

  /** The seed and its replication peers, as operations API URLs ordered by address. */
  private static List<String> discover(HarperTarget target) {
    URI seed = URI.create(target.seedNode());
    TreeSet<String> nodes = new TreeSet<>();
    nodes.add(target.seedNode());
    try (HarperClient client = new HarperClient(target.connection())) {
      for (String peer : QUICK.run(() -> client.clusterPeers(0), HarperException::isRetriable, () -> {})) {
        String host = peer.contains("://") ? URI.create(peer).getHost() : peer;
        nodes.add(seed.getScheme() + "://" + host + ":" + seed.getPort());
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--harperSeedNode: cannot list the cluster of "
          + target.seedNode() + ": " + e.getMessage(), e);
    }
    LOG.info("discovered Harper nodes {}", nodes);
    return new ArrayList<>(nodes);
  }

  private static FieldList sourceSchema(BigQuery bigquery, SourceTable source) {
    String[] parts = source.table().split("\\.");
    Table table;
    try {
      table = bigquery.getTable(TableId.of(parts[0], parts[1], parts[2]));
    } catch (BigQueryException e) {
      String option = e.getCode() == 0 && source.endpoint() != null
          ? "--bigQueryEndpoint" : "--sourceTable";
      throw new IllegalArgumentException(option + ": cannot read table " + source.table()
          + ": " + e.getMessage(), e);
    }
    if (table == null) {
      throw new IllegalArgumentException("--sourceTable: table " + source.table() + " not found");
    }
    return table.getDefinition().getSchema().getFields();
  }

  private static Field field(FieldList fields, String column, String option, SourceTable source) {
    for (Field field : fields) {
      if (field.getName().equalsIgnoreCase(column)) {
        return field;
      }
    }
    throw new IllegalArgumentException("--" + option + ": column '" + column + "' is not in "
        + source.table() + " (its columns: " + String.join(", ", names(fields)) + ")");
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
