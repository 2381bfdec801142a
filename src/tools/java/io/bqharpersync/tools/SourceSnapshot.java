package io.bqharpersync.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.FieldList;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableResult;
import io.bqharpersync.record.Micros;
import io.bqharpersync.record.SyncVersion;
import io.bqharpersync.source.BigQueryRows;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole source table as the sync should deliver it, read back through the BigQuery client:
 * the rows Harper must hold, keyed by id, and the rows that must be dead letters instead (no id or
 * no timestamp). Verification compares Harper against this, not against what a test meant to
 * insert.
 */
public final class SourceSnapshot {
  public final Map<String, JsonNode> rows = new HashMap<>();
  public final List<JsonNode> badRows = new ArrayList<>();

  private SourceSnapshot() {}

  private static String version(JsonNode row, String cursorColumn) {
    long micros = Micros.of(java.time.Instant.parse(row.path(cursorColumn).asText()));
    return SyncVersion.of(micros, (com.fasterxml.jackson.databind.node.ObjectNode) row);
  }

  public static SourceSnapshot read(BigQuery bigquery, TableId table, String idColumn,
      String cursorColumn) throws InterruptedException {
    String name = "`" + TelemetryTable.qualifiedName(table) + "`";
    TableResult result = bigquery.query(
        QueryJobConfiguration.newBuilder("SELECT * FROM " + name).setUseLegacySql(false).build());
    FieldList fields = result.getSchema().getFields();
    SourceSnapshot snapshot = new SourceSnapshot();
    for (FieldValueList row : result.iterateAll()) {
      JsonNode json = BigQueryRows.toJson(fields, row);
      if (json.path(idColumn).isNull() || json.path(cursorColumn).isNull()
          || json.path(idColumn).asText().isEmpty()) {
        snapshot.badRows.add(json);
      } else {
        // Harper keeps each key's newest row (SyncVersion's order), so that is the one expected.
        snapshot.rows.merge(json.path(idColumn).asText(), json,
            (had, other) -> version(had, cursorColumn).compareTo(version(other, cursorColumn)) >= 0
                ? had : other);
      }
    }
    return snapshot;
  }
}
