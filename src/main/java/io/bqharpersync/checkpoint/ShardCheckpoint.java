package io.bqharpersync.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqharpersync.record.Cursor;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.SerializableCoder;

/**
 * One row of {@code SyncCheckpoint}: every record of shard {@code shard} (of {@code shardCount})
 * up to {@code cursor} is in Harper. A different shard count partitions the table differently, so
 * it is part of the key and a checkpoint of another count is never reused.
 */
@DefaultCoder(SerializableCoder.class)
public final class ShardCheckpoint implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String syncName;
  private final int shardCount;
  private final int shard;
  private final Cursor cursor;
  private final long pageSeq;
  private final long recordsSynced;
  private final SyncPhase phase;
  private final Instant updatedAt;

  public ShardCheckpoint(
      String syncName, int shardCount, int shard, Cursor cursor, long pageSeq, long recordsSynced,
      SyncPhase phase, Instant updatedAt) {
    this.syncName = syncName;
    this.shardCount = shardCount;
    this.shard = shard;
    this.cursor = cursor;
    this.pageSeq = pageSeq;
    this.recordsSynced = recordsSynced;
    this.phase = phase;
    this.updatedAt = updatedAt;
  }

  public static String key(String syncName, int shardCount, int shard) {
    return syncName + "/" + shardCount + "/" + shard;
  }

  public String key() {
    return key(syncName, shardCount, shard);
  }

  public String syncName() {
    return syncName;
  }

  public int shardCount() {
    return shardCount;
  }

  public int shard() {
    return shard;
  }

  public Cursor cursor() {
    return cursor;
  }

  public long pageSeq() {
    return pageSeq;
  }

  public long recordsSynced() {
    return recordsSynced;
  }

  public SyncPhase phase() {
    return phase;
  }

  public Instant updatedAt() {
    return updatedAt;
  }

  public String toJson() {
    ObjectNode row = MAPPER.createObjectNode();
    row.put("id", key());
    row.put("syncName", syncName);
    row.put("shardCount", shardCount);
    row.put("shard", shard);
    row.put("cursorMicros", cursor.timestampMicros());
    row.put("cursorTimestamp", cursor.isStart() ? null : cursor.timestamp().toString());
    row.put("cursorId", cursor.id());
    row.put("pageSeq", pageSeq);
    row.put("recordsSynced", recordsSynced);
    row.put("phase", phase.label());
    row.put("updatedAt", updatedAt.toString());
    return row.toString();
  }

  public static ShardCheckpoint fromJson(JsonNode row) {
    return new ShardCheckpoint(
        row.path("syncName").asText(),
        row.path("shardCount").asInt(),
        row.path("shard").asInt(),
        Cursor.of(row.path("cursorMicros").asLong(), row.path("cursorId").asText("")),
        row.path("pageSeq").asLong(),
        row.path("recordsSynced").asLong(),
        SyncPhase.fromLabel(row.path("phase").asText("initial")),
        Instant.parse(row.path("updatedAt").asText(Instant.EPOCH.toString())));
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ShardCheckpoint)) {
      return false;
    }
    ShardCheckpoint c = (ShardCheckpoint) o;
    return syncName.equals(c.syncName) && shardCount == c.shardCount && shard == c.shard
        && cursor.equals(c.cursor) && pageSeq == c.pageSeq && recordsSynced == c.recordsSynced
        && phase == c.phase && updatedAt.equals(c.updatedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(syncName, shardCount, shard, cursor, pageSeq);
  }

  @Override
  public String toString() {
    return "ShardCheckpoint{" + key() + ", cursor=" + cursor + ", page=" + pageSeq + ", records="
        + recordsSynced + ", phase=" + phase.label() + "}";
  }
}
