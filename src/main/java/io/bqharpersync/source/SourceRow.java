package io.bqharpersync.source;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqharpersync.record.Cursor;

/**
 * One row as read from BigQuery: its JSON form for Harper, and its primary key and cursor
 * timestamp, either of which may be missing in a bad row.
 *
 * @param id null when the row has no primary key
 * @param timestampMicros null when the row has no cursor timestamp
 */
public record SourceRow(String id, Long timestampMicros, ObjectNode json) {
  /**
   * The row's position in its shard's read order; only for rows with a timestamp. A row without an
   * id sorts first among its timestamp's rows, as NULL does in BigQuery's ORDER BY.
   */
  public Cursor cursor() {
    return Cursor.of(timestampMicros, id == null ? "" : id);
  }

  @Override
  public String toString() {
    return "SourceRow{id=" + id + ", timestampMicros=" + timestampMicros + "}";
  }
}
