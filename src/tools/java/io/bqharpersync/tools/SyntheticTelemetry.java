package io.bqharpersync.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqharpersync.record.SyncRecord;
import java.io.Serializable;
import java.time.Instant;

/**
 * Deterministic device-telemetry records, as a reader would emit them: record i belongs to shard
 * {@code i mod shards}, and each shard's records are cut into pages of {@code pageSize} in cursor
 * order. Any record can be rebuilt from its index alone, so a verifier needs no copy of the data.
 */
public final class SyntheticTelemetry implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** 2024-01-01T00:00:00Z; records are one millisecond apart from there. */
  public static final long BASE_MICROS = 1_704_067_200_000_000L;

  private final String idPrefix;
  private final long count;
  private final int shards;
  private final int pageSize;

  public SyntheticTelemetry(String idPrefix, long count, int shards, int pageSize) {
    if (count < 0 || shards < 1 || pageSize < 1) {
      throw new IllegalArgumentException(
          "count >= 0, shards >= 1, pageSize >= 1 required: " + count + ", " + shards + ", " + pageSize);
    }
    this.idPrefix = idPrefix;
    this.count = count;
    this.shards = shards;
    this.pageSize = pageSize;
  }

  public long count() {
    return count;
  }

  public String idPrefix() {
    return idPrefix;
  }

  public String id(long i) {
    return String.format("%s-%09d", idPrefix, i);
  }

  public long cursorMicros(long i) {
    return BASE_MICROS + i * 1000L;
  }

  /** The row as Harper should hold it. */
  public ObjectNode row(long i) {
    ObjectNode row = MAPPER.createObjectNode();
    row.put("id", id(i));
    long micros = cursorMicros(i);
    row.put("timestamp", Instant.EPOCH.plusNanos(micros * 1000L).toString());
    row.put("deviceId", "device-" + (i % 500));
    row.put("reading", (i % 10_000) * 0.25);
    ObjectNode data = row.putObject("data");
    data.put("seq", i);
    data.put("firmware", "v" + (i % 7) + ".2");
    data.putArray("tags").add("telemetry").add(i % 2 == 0 ? "even" : "odd");
    data.putObject("battery").put("volts", 3.0 + (i % 100) / 100.0).put("charging", i % 3 == 0);
    return row;
  }

  /** The expected row for an id, or null when the id is not one of these records. */
  public ObjectNode rowForId(String id) {
    if (!id.startsWith(idPrefix + "-")) {
      return null;
    }
    try {
      long i = Long.parseLong(id.substring(idPrefix.length() + 1));
      return i >= 0 && i < count && id.equals(id(i)) ? row(i) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  public SyncRecord record(long i) {
    int shard = (int) (i % shards);
    long local = i / shards;
    long shardCount = (count - shard + shards - 1) / shards;
    long page = local / pageSize;
    int size = (int) Math.min(pageSize, shardCount - page * pageSize);
    return new SyncRecord(
        id(i), cursorMicros(i), shard, page, (int) (local % pageSize), size, row(i).toString());
  }
}
