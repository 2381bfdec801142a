package io.bqharpersync.source;

import static io.bqharpersync.options.OptionChecks.commaSeparated;
import static io.bqharpersync.options.OptionChecks.matching;
import static io.bqharpersync.options.OptionChecks.oneOf;
import static io.bqharpersync.options.OptionChecks.optionalUrl;
import static io.bqharpersync.options.OptionChecks.orDefault;

import com.google.cloud.bigquery.BigQuery;
import io.bqharpersync.options.BigQuerySourceOptions;
import io.bqharpersync.options.OptionChecks;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The BigQuery table a sync reads: where it is, which columns are copied, which column is the key
 * and which orders the reads, and what the shard hash is taken of.
 *
 * @param endpoint the API root, or null for Google's service
 * @param columns the columns read, id and cursor included; empty until {@code Preflight} resolves
 *     "every column" against the table's schema
 * @param everyColumn no {@code --columns} given: the queries read {@code *}, so a column added to
 *     the table while the sync runs is copied from the next query on
 */
public record SourceTable(
    String table,
    String project,
    String endpoint,
    Duration requestTimeout,
    List<String> columns,
    boolean everyColumn,
    String idColumn,
    ShardQuery.IdType idType,
    String cursorColumn,
    PartitionExpression partition) implements Serializable {

  public SourceTable {
    columns = List.copyOf(columns);
  }

  /** Checks each source option on its own; nothing is contacted. */
  public static SourceTable from(BigQuerySourceOptions options, Duration requestTimeout) {
    String table = matching("sourceTable", options.getSourceTable(), BigQueryNames::isTable,
        "project.dataset.table");
    List<String> columns = commaSeparated(options.getColumns());
    for (String column : columns) {
      matching("columns", column, BigQueryNames::isColumn, "column names");
    }
    return new SourceTable(
        table,
        orDefault(options.getBigQueryProject(), table.substring(0, table.indexOf('.'))),
        optionalUrl("bigQueryEndpoint", options.getBigQueryEndpoint()),
        requestTimeout,
        columns,
        columns.isEmpty(),
        matching("idColumn", options.getIdColumn(), BigQueryNames::isColumn, "a column name"),
        ShardQuery.IdType.STRING,
        matching("cursorColumn", options.getCursorColumn(), BigQueryNames::isColumn, "a column name"),
        oneOf("partitionExpression", options.getPartitionExpression(), PartitionExpression.class));
  }

  /** With the columns and the id type read from the table's schema; id and cursor always included. */
  public SourceTable resolved(List<String> schemaColumns, ShardQuery.IdType resolvedIdType) {
    List<String> selected = new ArrayList<>(schemaColumns);
    for (String needed : List.of(idColumn, cursorColumn)) {
      if (!selected.contains(needed)) {
        selected.add(needed);
      }
    }
    return new SourceTable(table, project, endpoint, requestTimeout, selected, everyColumn,
        idColumn, resolvedIdType, cursorColumn, partition);
  }

  /** The table's own name, the last part of {@code project.dataset.table}. */
  public String name() {
    return table.substring(table.lastIndexOf('.') + 1);
  }

  /** Statements over the whole table. */
  public TableQueries queries() {
    return new TableQueries(table, columns.isEmpty() ? List.of(idColumn, cursorColumn) : columns,
        everyColumn && !columns.isEmpty(), idColumn, idType, cursorColumn);
  }

  /** The page query of shard {@code shard} of {@code shardCount}. */
  public ShardQuery shardQuery(int shard, int shardCount) {
    if (shardCount < 1 || shard < 0 || shard >= shardCount) {
      throw OptionChecks.invalid("shards", "shard " + shard + " of " + shardCount);
    }
    return new ShardQuery(queries(), partition, shard, shardCount);
  }

  /** The client for this table's endpoint, with the client's own retries off. */
  public BigQuery client() {
    return BigQueryShardReader.client(project, endpoint, requestTimeout);
  }
}
