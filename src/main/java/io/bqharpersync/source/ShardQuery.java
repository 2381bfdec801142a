package io.bqharpersync.source;

import static io.bqharpersync.source.BigQueryNames.quote;
import static java.util.Objects.requireNonNull;

import com.google.cloud.bigquery.QueryParameterValue;
import io.bqharpersync.record.Cursor;
import io.bqharpersync.record.Micros;
import java.io.Serializable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One shard's page query: pure, no I/O. Builds the SQL text and its typed named parameters.
 *
 * <pre>
 * SELECT `id`, `ts`, ... FROM `project.dataset.table`
 * WHERE MOD(ABS(FARM_FINGERPRINT(CAST(`ts` AS STRING))), @shard_count) = @shard
 *   AND `ts` >= @cursor_ts AND `ts` <= @upper_ts
 *   AND (`ts` > @cursor_ts OR (`ts` = @cursor_ts AND `id` > @cursor_id))
 * ORDER BY `ts`, `id`
 * LIMIT @page_limit
 * </pre>
 *
 * <p>Why each part:
 *
 * <ul>
 *   <li>The tuple cursor: with {@code ts > @cursor_ts} alone, a page that ends on the first of two
 *       rows sharing 10:00:00 makes the next page start after 10:00:00, and the second row is
 *       never read. Comparing {@code (ts, id)} resumes exactly after the last row read.
 *   <li>{@code ts >= @cursor_ts AND ts <= @upper_ts}: plain bounds on the timestamp are what let
 *       BigQuery prune partitions of a table partitioned on it; the modulo and the OR cannot, and
 *       LIMIT does not reduce the bytes billed. The reader chooses the upper bound as a window
 *       past the cursor, never later than now minus the safety lag.
 *   <li>Values are parameters only; identifiers are validated and backtick-quoted.
 * </ul>
 */
public final class ShardQuery implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Whether the id column is compared as a string or as an integer. */
  public enum IdType {
    STRING,
    INT64
  }

  private final TableQueries table;
  private final PartitionExpression partition;
  private final int shard;
  private final int shardCount;

  ShardQuery(TableQueries table, PartitionExpression partition, int shard, int shardCount) {
    this.table = table;
    this.partition = partition;
    this.shard = shard;
    this.shardCount = shardCount;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The page of rows strictly after {@code after}, with timestamps up to {@code upper}. */
  public QueryStatement page(Cursor after, Instant upper, int limit) {
    requireNonNull(after, "after");
    requireNonNull(upper, "upper");
    if (limit < 1) {
      throw new IllegalArgumentException("limit: must be >= 1, got " + limit);
    }
    String ts = quote(table.cursorColumn());
    String id = quote(table.idColumn());
    StringBuilder sql = new StringBuilder();
    sql.append("SELECT ").append(table.selectList()).append('\n')
        .append("FROM ").append(quote(table.table())).append('\n')
        .append("WHERE ").append(shardPredicate()).append('\n')
        .append("  AND ").append(ts).append(" >= @cursor_ts AND ").append(ts).append(" <= @upper_ts\n")
        .append("  AND (").append(ts).append(" > @cursor_ts OR (").append(ts)
        .append(" = @cursor_ts AND ").append(id).append(" > @cursor_id))\n")
        .append("ORDER BY ").append(ts).append(", ").append(id).append('\n')
        .append("LIMIT @page_limit");
    Map<String, QueryParameterValue> params = shardParameters();
    params.put("cursor_ts", QueryParameterValue.timestamp(cursorMicros(after)));
    params.put("upper_ts", QueryParameterValue.timestamp(Micros.of(upper)));
    params.put("cursor_id", cursorId(after));
    params.put("page_limit", QueryParameterValue.int64((long) limit));
    return new QueryStatement(sql.toString(), params);
  }

  /**
   * Every row of the shard at timestamp {@code micros} that has no id. Such rows sort first among
   * their timestamp's rows and no cursor can tell them apart, so a page that ends on one is
   * completed with all of them (see {@link BigQueryShardReader#withEveryNullIdRowAtItsEnd}).
   */
  public QueryStatement nullIdRowsAt(long micros) {
    String ts = quote(table.cursorColumn());
    String sql = "SELECT " + table.selectList() + "\n"
        + "FROM " + quote(table.table()) + "\n"
        + "WHERE " + shardPredicate() + "\n"
        + "  AND " + ts + " = @at_ts AND " + quote(table.idColumn()) + " IS NULL";
    Map<String, QueryParameterValue> params = shardParameters();
    params.put("at_ts", QueryParameterValue.timestamp(micros));
    return new QueryStatement(sql, params);
  }

  /** {@code COUNT(*)} and {@code BIT_XOR} of the id fingerprints, for drift checks. */
  public QueryStatement digest(Instant lower, Instant upper) {
    String ts = quote(table.cursorColumn());
    String sql = "SELECT COUNT(*) AS row_count, BIT_XOR(FARM_FINGERPRINT(CAST(" + quote(table.idColumn())
        + " AS STRING))) AS id_digest\n"
        + "FROM " + quote(table.table()) + "\n"
        + "WHERE " + shardPredicate() + "\n"
        + "  AND " + ts + " >= @lower_ts AND " + ts + " <= @upper_ts";
    Map<String, QueryParameterValue> params = shardParameters();
    params.put("lower_ts", QueryParameterValue.timestamp(Micros.of(lower)));
    params.put("upper_ts", QueryParameterValue.timestamp(Micros.of(upper)));
    return new QueryStatement(sql, params);
  }

  /**
   * Per bucket of {@code bucketMicros} (bucket = {@code DIV(UNIX_MICROS(ts), bucketMicros)}), the
   * shard's row count and id digest for {@code lower <= ts < upper}. The trailing re-scan compares
   * these with what it has read, and re-reads only the buckets that differ. Only the id and
   * timestamp columns are scanned, so this costs a fraction of a page query over the same range.
   */
  public QueryStatement bucketDigests(Instant lower, Instant upper, long bucketMicros) {
    String ts = quote(table.cursorColumn());
    String sql = "SELECT DIV(UNIX_MICROS(" + ts + "), @bucket_micros) AS bucket, COUNT(*) AS row_count,"
        + " BIT_XOR(FARM_FINGERPRINT(CAST(" + quote(table.idColumn()) + " AS STRING))) AS id_digest\n"
        + "FROM " + quote(table.table()) + "\n"
        + "WHERE " + shardPredicate() + "\n"
        + "  AND " + ts + " >= @lower_ts AND " + ts + " < @upper_ts\n"
        + "GROUP BY bucket";
    Map<String, QueryParameterValue> params = shardParameters();
    params.put("bucket_micros", QueryParameterValue.int64(bucketMicros));
    params.put("lower_ts", QueryParameterValue.timestamp(Micros.of(lower)));
    params.put("upper_ts", QueryParameterValue.timestamp(Micros.of(upper)));
    return new QueryStatement(sql, params);
  }

  private String shardPredicate() {
    return "MOD(ABS(FARM_FINGERPRINT(" + partition.sql(quote(table.cursorColumn()), quote(table.idColumn()))
        + ")), @shard_count) = @shard";
  }

  private Map<String, QueryParameterValue> shardParameters() {
    Map<String, QueryParameterValue> params = new LinkedHashMap<>();
    params.put("shard_count", QueryParameterValue.int64((long) shardCount));
    params.put("shard", QueryParameterValue.int64((long) shard));
    return params;
  }

  /** BigQuery's smallest TIMESTAMP, 0001-01-01: before every row. */
  static final long MIN_TIMESTAMP_MICROS = -62_135_596_800_000_000L;

  private static long cursorMicros(Cursor after) {
    return after.isStart() ? MIN_TIMESTAMP_MICROS : after.timestampMicros();
  }

  private QueryParameterValue cursorId(Cursor after) {
    // An empty id sorts first, as the START cursor does.
    return table.idParameter(after.isStart() ? "" : after.id());
  }


  /** The same table, every shard: the statements that span the whole table. */
  public TableQueries tableQueries() {
    return table;
  }

  public String table() {
    return table.table();
  }

  public List<String> columns() {
    return table.columns();
  }

  public String idColumn() {
    return table.idColumn();
  }

  public String cursorColumn() {
    return table.cursorColumn();
  }

  public int shard() {
    return shard;
  }

  public int shardCount() {
    return shardCount;
  }

  /** Sets and validates each part; {@link #build()} checks that they fit together. */
  public static final class Builder {
    private String table;
    private List<String> columns;
    private boolean everyColumn;
    private String idColumn;
    private IdType idType = IdType.STRING;
    private String cursorColumn;
    private PartitionExpression partition = PartitionExpression.TIMESTAMP_STRING;
    private int shardCount = 1;
    private int shard;

    /** {@code project.dataset.table}, as BigQuery names it. */
    public Builder table(String qualifiedTable) {
      if (!BigQueryNames.isTable(qualifiedTable)) {
        throw new IllegalArgumentException(
            "table: expected project.dataset.table, got '" + qualifiedTable + "'");
      }
      this.table = qualifiedTable;
      return this;
    }

    public Builder columns(List<String> columns) {
      if (columns == null || columns.isEmpty()) {
        throw new IllegalArgumentException("columns: at least one column is required");
      }
      for (String column : columns) {
        column("columns", column);
      }
      this.columns = List.copyOf(columns);
      return this;
    }

    /**
     * Reads {@code *} instead of the columns: a column the table gains while the sync runs is
     * read from the next page on. The columns are still those checked against Harper.
     */
    public Builder everyColumn(boolean everyColumn) {
      this.everyColumn = everyColumn;
      return this;
    }

    public Builder idColumn(String idColumn, IdType type) {
      this.idColumn = column("idColumn", idColumn);
      this.idType = requireNonNull(type, "idType");
      return this;
    }

    public Builder idColumn(String idColumn) {
      return idColumn(idColumn, IdType.STRING);
    }

    public Builder cursorColumn(String cursorColumn) {
      this.cursorColumn = column("cursorColumn", cursorColumn);
      return this;
    }

    public Builder partition(PartitionExpression partition) {
      this.partition = requireNonNull(partition, "partition");
      return this;
    }

    public Builder shard(int shard, int shardCount) {
      if (shardCount < 1) {
        throw new IllegalArgumentException("shardCount: must be >= 1, got " + shardCount);
      }
      if (shard < 0 || shard >= shardCount) {
        throw new IllegalArgumentException(
            "shard: must be within 0.." + (shardCount - 1) + ", got " + shard);
      }
      this.shard = shard;
      this.shardCount = shardCount;
      return this;
    }

    public ShardQuery build() {
      if (table == null || idColumn == null || cursorColumn == null || columns == null) {
        throw new IllegalArgumentException("table, idColumn, cursorColumn and columns are required");
      }
      if (!columns.contains(idColumn) || !columns.contains(cursorColumn)) {
        throw new IllegalArgumentException(
            "columns: must include the idColumn '" + idColumn + "' and the cursorColumn '"
                + cursorColumn + "'");
      }
      return new ShardQuery(new TableQueries(table, columns, everyColumn, idColumn, idType,
          cursorColumn),
          partition, shard, shardCount);
    }

    private static String column(String part, String value) {
      if (!BigQueryNames.isColumn(value)) {
        throw new IllegalArgumentException(
            part + ": '" + value + "' is not a valid BigQuery identifier");
      }
      return value;
    }
  }
}
