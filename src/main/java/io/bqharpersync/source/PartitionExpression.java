package io.bqharpersync.source;

/**
 * What the shard hash is computed over. The shard of a row is {@code MOD(ABS(FARM_FINGERPRINT(
 * <expression>)), S)}, so the expression decides both balance and what moves together.
 */
public enum PartitionExpression {
  /**
   * {@code CAST(ts AS STRING)}: the original design's choice. Its text follows BigQuery's
   * {@code @@time_zone}, so a session or project time zone setting moves rows between shards under
   * a running sync; kept for syncs that started with it.
   */
  TIMESTAMP_STRING,
  /**
   * {@code CAST(UNIX_MICROS(ts) AS STRING)}, the default: all rows of one timestamp land in one
   * shard, and the number does not depend on any time zone or text form.
   */
  TIMESTAMP_MICROS,
  /** {@code CAST(id AS STRING)}: spreads one timestamp's rows over all shards. */
  ID;

  String sql(String quotedCursorColumn, String quotedIdColumn) {
    switch (this) {
      case TIMESTAMP_STRING:
        return "CAST(" + quotedCursorColumn + " AS STRING)";
      case TIMESTAMP_MICROS:
        return "CAST(UNIX_MICROS(" + quotedCursorColumn + ") AS STRING)";
      case ID:
        return "CAST(" + quotedIdColumn + " AS STRING)";
      default:
        throw new AssertionError(this);
    }
  }
}
