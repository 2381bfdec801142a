package io.bqharpersync.tools;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.TableId;
import io.bqharpersync.record.Micros;
import io.bqharpersync.source.BigQueryRows;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Device telemetry rows for the BigQuery source table (id, timestamp, deviceId, reading, JSON
 * data), with the awkward cases a sync must survive. Everything is a pure function of the row
 * index, so a verifier can rebuild any row.
 *
 * <ul>
 *   <li>{@link #rows}: {@code tieGroup} consecutive rows share one timestamp, groups {@code
 *       stepMicros} apart;
 *   <li>late rows: any row may be given an older timestamp and inserted after newer ones;
 *   <li>{@link #badRow}: null id, null timestamp, or a payload larger than {@code bytes}.
 * </ul>
 */
public final class TelemetryGenerator implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What makes a bad row bad. */
  public enum Bad {
    NULL_ID,
    NULL_TIMESTAMP,
    OVERSIZED_PAYLOAD
  }

  private final String idPrefix;

  public TelemetryGenerator(String idPrefix) {
    this.idPrefix = idPrefix;
  }

  public String idPrefix() {
    return idPrefix;
  }

  public String id(long i) {
    return String.format("%s-%09d", idPrefix, i);
  }

  /** Row {@code i} with the given timestamp. */
  public Map<String, Object> row(long i, long timestampMicros) {
    Map<String, Object> row = new HashMap<>();
    row.put("id", id(i));
    row.put("timestamp", BigQueryRows.timestampText(timestampMicros));
    row.put("deviceId", "device-" + (i % 1000));
    row.put("reading", (i % 10_000) * 0.5);
    row.put("data", "{\"seq\":" + i + ",\"firmware\":\"v" + (i % 5) + "\",\"tags\":[\"t" + (i % 3)
        + "\"],\"battery\":{\"volts\":" + (3 + (i % 10) / 10.0) + "}}");
    return row;
  }

  /**
   * Rows {@code from .. from+count-1}; row i has timestamp {@code startMicros + (i / tieGroup) *
   * stepMicros}, so each run of {@code tieGroup} rows shares one timestamp.
   */
  public List<Map<String, Object>> rows(long from, int count, long startMicros, long stepMicros,
      int tieGroup) {
    List<Map<String, Object>> rows = new ArrayList<>(count);
    for (long i = from; i < from + count; i++) {
      rows.add(row(i, startMicros + (i / tieGroup) * stepMicros));
    }
    return rows;
  }

  /**
   * Inserts rows {@code 0 .. count-1} as {@link #rows} lays them out, generating and inserting
   * 50,000 at a time so that a large table never sits in memory whole.
   */
  public void insertRows(BigQuery bigquery, TableId table, long count, long startMicros,
      long stepMicros, int tieGroup) {
    for (long from = 0; from < count; from += 50_000) {
      TelemetryTable.insert(bigquery, table, rows(from, (int) Math.min(50_000, count - from),
          startMicros, stepMicros, tieGroup));
    }
  }

  /**
   * Inserts rows at {@code rowsPerSecond} for {@code duration}, stamped with the time of their
   * insert, in inserts every 100 ms; {@code tieGroup} consecutive rows share a timestamp, and one
   * row in {@code lateEvery} (0 for none) is stamped {@code lateBy} in the past, so it arrives
   * after rows newer than itself. Stops by itself.
   *
   * @return how many rows were inserted; their indices are {@code from .. from+n-1}
   */
  public long insertAtRate(BigQuery bigquery, TableId table, long from, int rowsPerSecond,
      Duration duration, int tieGroup, int lateEvery, Duration lateBy) throws InterruptedException {
    long end = System.nanoTime() + duration.toNanos();
    return insertWhile(() -> System.nanoTime() < end, bigquery, table, from, rowsPerSecond,
        tieGroup, lateEvery, lateBy);
  }

  /** As {@link #insertAtRate}, for as long as {@code going} says, checked before every insert. */
  public long insertWhile(BooleanSupplier going, BigQuery bigquery, TableId table, long from,
      int rowsPerSecond, int tieGroup, int lateEvery, Duration lateBy) throws InterruptedException {
    long tick = 100;
    long started = System.nanoTime();
    long next = from;
    long due = 0;
    while (going.getAsBoolean()) {
      due += rowsPerSecond * tick / 1000;
      List<Map<String, Object>> rows = new ArrayList<>();
      long nowMicros = Micros.now();
      long tickStart = nowMicros - nowMicros % 1000;
      long first = next;
      for (; next < from + due; next++) {
        // Milliseconds within this tick, tieGroup rows to each: never later than now + tick.
        long ts = tickStart + Math.min(tick - 1, (next - first) / tieGroup) * 1000;
        if (lateEvery > 0 && next % lateEvery == lateEvery - 1) {
          ts = nowMicros - lateBy.toNanos() / 1000;
        }
        rows.add(row(next, ts));
      }
      TelemetryTable.insert(bigquery, table, rows);
      long sleep = started + (due * 1000L / rowsPerSecond) * 1_000_000L - System.nanoTime();
      if (sleep > 0) {
        Thread.sleep(sleep / 1_000_000L);
      }
    }
    return next - from;
  }

  public Map<String, Object> badRow(long i, long timestampMicros, Bad kind, int bytes) {
    Map<String, Object> row = row(i, timestampMicros);
    switch (kind) {
      case NULL_ID:
        row.put("id", null);
        break;
      case NULL_TIMESTAMP:
        row.put("timestamp", null);
        break;
      case OVERSIZED_PAYLOAD:
        row.put("data", "{\"blob\":\"" + "x".repeat(Math.max(0, bytes)) + "\"}");
        break;
      default:
        throw new AssertionError(kind);
    }
    return row;
  }
}
