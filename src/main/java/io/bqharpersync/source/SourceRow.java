package io.bqharpersync.source;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqharpersync.record.Cursor;

/**
 * One row as read from BigQuery: its JSON form for Harper, and its primary key and cursor
 * timestamp, either of which may be missing in a bad row.
 */
public final class SourceRow {
  private final String id;
  private final Long timestampMicros;
  private final ObjectNode json;

  SourceRow(String id, Long timestampMicros, ObjectNode json) {
    this.id = id;
    this.timestampMicros = timestampMicros;
    this.json = json;
  }

  /** Null when the row has no primary key. */
  public String id() {
    return id;
  }

  /** Null when the row has no cursor timestamp. */
  public Long timestampMicros() {
    return timestampMicros;
  }

  public ObjectNode json() {
    return json;
  }

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
