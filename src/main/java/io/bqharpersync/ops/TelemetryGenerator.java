package io.bqharpersync.ops;

import io.bqharpersync.source.BigQueryRows;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
public final class TelemetryGenerator {
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
