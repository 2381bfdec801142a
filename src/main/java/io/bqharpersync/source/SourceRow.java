package io.bqharpersync.source;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqharpersync.record.Cursor;

/**
 * One row as read from BigQuery: its JSON form for Harper, and its primary key and cursor
 * timestamp, either of which may be missing in a bad row.
 *
 * @param id null when the row has no primary key
 * @param timestampMicros null when the row has no cursor timestamp
 * @param numericId whether the id column is INT64, which orders ids as numbers
 */
public record SourceRow(String id, Long timestampMicros, ObjectNode json, boolean numericId) {
  /** A row of a table whose id column is a STRING. */
  public SourceRow(String id, Long timestampMicros, ObjectNode json) {
    this(id, timestampMicros, json, false);
  }

  /**
   * The row's position in its shard's read order; only for rows with a timestamp. A row without an
   * id sorts first among its timestamp's rows, as NULL does in BigQuery's ORDER BY.
   */
  public Cursor cursor() {
    return Cursor.of(timestampMicros, id == null ? "" : id, numericId);
  }

  @Override
  public String toString() {
    return "SourceRow{id=" + id + ", timestampMicros=" + timestampMicros + "}";
  }
}
