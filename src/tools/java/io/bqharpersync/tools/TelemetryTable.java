package io.bqharpersync.tools;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.DatasetInfo;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.InsertAllRequest;
import com.google.cloud.bigquery.InsertAllResponse;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableInfo;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.harper.TableCreation;
import io.bqharpersync.pipeline.TargetTypes;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The device-telemetry source table: its schema, creation, and inserts through insertAll. */
public final class TelemetryTable {
  public static final List<String> COLUMNS = List.of("id", "timestamp", "deviceId", "reading", "data");

  public static final Schema SCHEMA =
      Schema.of(
          Field.of("id", StandardSQLTypeName.STRING),
          Field.of("timestamp", StandardSQLTypeName.TIMESTAMP),
          Field.of("deviceId", StandardSQLTypeName.STRING),
          Field.of("reading", StandardSQLTypeName.FLOAT64),
          Field.of("data", StandardSQLTypeName.JSON));

  private TelemetryTable() {}

  /** {@code project.dataset.table}, as queries and {@code --sourceTable} name it. */
  public static String qualifiedName(TableId table) {
    return table.getProject() + "." + table.getDataset() + "." + table.getTable();
  }

  public static void create(BigQuery bigquery, TableId table) {
    try {
      bigquery.create(DatasetInfo.of(table.getDataset()));
    } catch (BigQueryException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
    bigquery.create(TableInfo.of(table, StandardTableDefinition.of(SCHEMA)));
  }

  /**
   * The Harper table a sync of this source creates, created now where a node lacks it: for tools
   * that write to it before (or without) a sync.
   */
  public static void createInHarper(HarperClient harper, String database, String table) {
    TableCreation.onEveryNode(harper, database, table,
        TargetTypes.attributes("id", SCHEMA.getFields()), Duration.ofSeconds(10));
  }

  /** Inserts rows in requests of at most 5,000; any row error fails with the first reason. */
  public static void insert(BigQuery bigquery, TableId table, List<Map<String, Object>> rows) {
    for (int from = 0; from < rows.size(); from += 5000) {
      InsertAllRequest.Builder request = InsertAllRequest.newBuilder(table);
      for (Map<String, Object> row : rows.subList(from, Math.min(rows.size(), from + 5000))) {
        request.addRow(row);
      }
      InsertAllResponse response = bigquery.insertAll(request.build());
      if (response.hasErrors()) {
        throw new IllegalStateException("insertAll into " + table + " failed: "
            + response.getInsertErrors().values().iterator().next());
      }
    }
  }
}
