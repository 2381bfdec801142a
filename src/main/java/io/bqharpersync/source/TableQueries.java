package io.bqharpersync.source;

import static io.bqharpersync.source.BigQueryNames.quote;

import com.google.cloud.bigquery.QueryParameterValue;
import io.bqharpersync.record.Micros;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Statements over the whole source table, every shard at once: pure, no I/O. The audit compares
 * Harper with these; the null-timestamp scan finds rows that no shard query can match. {@link
 * ShardQuery} builds one shard's statements on top of the same table description.
 */
public final class TableQueries implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String table;
  private final List<String> columns;
  /** Read with {@code *}: a column added to the table is read from the next query on. */
  private final boolean everyColumn;
  private final String idColumn;
  private final ShardQuery.IdType idType;
  private final String cursorColumn;

  TableQueries(String table, List<String> columns, boolean everyColumn, String idColumn,
      ShardQuery.IdType idType, String cursorColumn) {
    this.table = table;
    this.columns = List.copyOf(columns);
    this.everyColumn = everyColumn;
    this.idColumn = idColumn;
    this.idType = idType;
    this.cursorColumn = cursorColumn;
  }

  /**
   * How many rows have no cursor timestamp. No shard reads them (the shard predicate of a NULL is
   * NULL, and so is every cursor comparison), so one reader counts them and, when the count
   * changes, reads them with {@link #nullCursorRows} to send them to the dead-letter table.
   */
  public QueryStatement nullCursorCount() {
    return new QueryStatement("SELECT COUNT(*) AS row_count FROM " + quote(table) + " WHERE "
        + quote(cursorColumn) + " IS NULL", new LinkedHashMap<>());
  }

  /**
   * A page of up to {@code limit} rows without a cursor timestamp, in id order: the first page
   * ({@code afterId} empty, rows without an id included, as NULL sorts first) or the page after
   * {@code afterId}.
   */
  public QueryStatement nullCursorRows(String afterId, int limit) {
    Map<String, QueryParameterValue> params = new LinkedHashMap<>();
    String after = "";
    if (!afterId.isEmpty()) {
      after = " AND " + quote(idColumn) + " > @after_id";
      params.put("after_id", idParameter(afterId));
    }
    params.put("page_limit", QueryParameterValue.int64((long) limit));
    return new QueryStatement("SELECT " + selectList() + "\nFROM " + quote(table) + "\nWHERE "
        + quote(cursorColumn) + " IS NULL" + after + "\nORDER BY " + quote(idColumn)
        + "\nLIMIT @page_limit", params);
  }

  /**
   * {@code COUNT(*)} and {@code BIT_XOR} of the id fingerprints of rows with an id and a timestamp
   * before {@code upper}. The drift check compares each Harper node with this.
   */
  public QueryStatement digestBefore(Instant upper) {
    return before("SELECT COUNT(*) AS row_count, BIT_XOR(FARM_FINGERPRINT(CAST("
        + quote(idColumn) + " AS STRING))) AS id_digest", upper);
  }

  /** The id and cursor of every row with an id and a timestamp before {@code upper}. */
  public QueryStatement idsBefore(Instant upper) {
    return before("SELECT " + quote(idColumn) + ", " + quote(cursorColumn), upper);
  }

  /** Every row with {@code lower <= ts <= upper}. */
  public QueryStatement window(Instant lower, Instant upper) {
    String ts = quote(cursorColumn);
    Map<String, QueryParameterValue> params = new LinkedHashMap<>();
    params.put("lower_ts", QueryParameterValue.timestamp(Micros.of(lower)));
    params.put("upper_ts", QueryParameterValue.timestamp(Micros.of(upper)));
    return new QueryStatement("SELECT " + selectList() + "\nFROM " + quote(table) + "\nWHERE "
        + ts + " >= @lower_ts AND " + ts + " <= @upper_ts", params);
  }

  /**
   * Each key's newest row (greatest cursor timestamp; every row that ties there), for keys whose
   * newest row lies in {@code [from, until)}, in key order. The content audit compares Harper with
   * these. {@code from} null reads from the table's start and {@code until} null to its end;
   * {@code keyBuckets}, when given, keeps only keys whose {@link #keyBucket} is one of them.
   *
   * <p>Only rows at or after {@code from} are read: a key whose newest row is older has no row
   * there, and a newer row of a key beyond {@code until} still takes the key out of the window.
   */
  public QueryStatement newestRows(Instant from, Instant until, int bucketCount,
      List<Integer> keyBuckets) {
    String ts = quote(cursorColumn);
    String id = quote(idColumn);
    Map<String, QueryParameterValue> params = new LinkedHashMap<>();
    StringBuilder where = new StringBuilder(id + " IS NOT NULL");
    if (from != null) {
      where.append(" AND ").append(ts).append(" >= @from_ts");
      params.put("from_ts", QueryParameterValue.timestamp(Micros.of(from)));
    }
    if (keyBuckets != null) {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < keyBuckets.size(); i++) {
        names.add("@key_bucket_" + i);
        params.put("key_bucket_" + i, QueryParameterValue.int64((long) keyBuckets.get(i)));
      }
      where.append(" AND ").append(keyBucket(bucketCount)).append(" IN (")
          .append(String.join(", ", names)).append(")");
    }
    String newest = ts + " = sync_newest_ts";
    if (until != null) {
      newest += " AND " + ts + " < @until_ts";
      params.put("until_ts", QueryParameterValue.timestamp(Micros.of(until)));
    }
    String outer = everyColumn ? "* EXCEPT (sync_newest_ts)" : selectList();
    return new QueryStatement("SELECT " + outer + "\nFROM (SELECT " + selectList()
        + ", MAX(" + ts + ") OVER (PARTITION BY " + id + ") AS sync_newest_ts\n  FROM "
        + quote(table) + "\n  WHERE " + where + ")\nWHERE " + newest + "\nORDER BY " + id, params);
  }

  /**
   * A key's bucket among {@code bucketCount}: {@code MOD(FARM_FINGERPRINT(key), bucketCount)},
   * between {@code -(bucketCount - 1)} and {@code bucketCount - 1}; see {@link #keyBucket(String,
   * int)}.
   */
  private String keyBucket(int bucketCount) {
    return "MOD(FARM_FINGERPRINT(CAST(" + quote(idColumn) + " AS STRING)), " + bucketCount + ")";
  }

  /** The bucket SQL gives {@code key} ({@link #newestRows}); Java's % truncates as MOD does. */
  public static int keyBucket(String key, int bucketCount) {
    return (int) (BucketDigest.fingerprint(key) % bucketCount);
  }

  private QueryStatement before(String select, Instant upper) {
    Map<String, QueryParameterValue> params = new LinkedHashMap<>();
    params.put("upper_ts", QueryParameterValue.timestamp(Micros.of(upper)));
    return new QueryStatement(select + "\nFROM " + quote(table) + "\nWHERE " + quote(cursorColumn)
        + " < @upper_ts AND " + quote(idColumn) + " IS NOT NULL", params);
  }

  /** An id as a query parameter of the id column's type; "" is before every id. */
  QueryParameterValue idParameter(String id) {
    if (idType == ShardQuery.IdType.INT64) {
      return QueryParameterValue.int64(id.isEmpty() ? Long.MIN_VALUE : Long.parseLong(id));
    }
    return QueryParameterValue.string(id);
  }

  String selectList() {
    if (everyColumn) {
      return "*";
    }
    List<String> quoted = new ArrayList<>();
    for (String column : columns) {
      quoted.add(quote(column));
    }
    return String.join(", ", quoted);
  }

  public String table() {
    return table;
  }

  /** The columns read; with every column, those the table had when the sync started. */
  public List<String> columns() {
    return columns;
  }

  public String idColumn() {
    return idColumn;
  }

  public ShardQuery.IdType idType() {
    return idType;
  }

  public String cursorColumn() {
    return cursorColumn;
  }
}
