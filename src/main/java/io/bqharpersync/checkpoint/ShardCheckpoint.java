package io.bqharpersync.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqharpersync.record.Cursor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * One row of {@code SyncCheckpoint}: every record of shard {@code shard} of the layout (partition
 * expression, shard count) up to {@code cursor} is in Harper. Another layout splits the table
 * differently, so the layout is part of the key and a checkpoint of another layout is never taken
 * for this one's; a new layout starts from the floor of the last complete one instead.
 */
public record ShardCheckpoint(
    String syncName,
    String partition,
    int shardCount,
    int shard,
    Cursor cursor,
    long pageSeq,
    long recordsSynced,
    SyncPhase phase,
    Instant updatedAt) {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  public static final ShardCheckpointCoder CODER = new ShardCheckpointCoder();

  public ShardLayout layout() {
    return new ShardLayout(syncName, partition, shardCount);
  }

  public String key() {
    return layout().key(shard);
  }

  public String toJson() {
    return toJson(key());
  }

  /** As stored, under primary key {@code id}. */
  public String toJson(String id) {
    ObjectNode row = MAPPER.createObjectNode();
    row.put("id", id);
    row.put("syncName", syncName);
    row.put("partition", partition);
    row.put("shardCount", shardCount);
    row.put("shard", shard);
    row.put("cursorMicros", cursor.timestampMicros());
    row.put("cursorTimestamp", cursor.isStart() ? null : cursor.timestamp().toString());
    row.put("cursorId", cursor.id());
    row.put("cursorIdNumeric", cursor.numericId());
    row.put("pageSeq", pageSeq);
    row.put("recordsSynced", recordsSynced);
    row.put("phase", phase.label());
    row.put("updatedAt", updatedAt.toString());
    return row.toString();
  }

  public static ShardCheckpoint fromJson(JsonNode row) {
    return new ShardCheckpoint(
        row.path("syncName").asText(),
        // Rows written before layouts had a partition are of the default of that time.
        row.path("partition").asText(ShardLayout.LEGACY_PARTITION),
        row.path("shardCount").asInt(),
        row.path("shard").asInt(),
        Cursor.of(row.path("cursorMicros").asLong(), row.path("cursorId").asText(""),
            row.path("cursorIdNumeric").asBoolean(false)),
        row.path("pageSeq").asLong(),
        row.path("recordsSynced").asLong(),
        SyncPhase.fromLabel(row.path("phase").asText("initial")),
        Instant.parse(row.path("updatedAt").asText(Instant.EPOCH.toString())));
  }

  @Override
  public String toString() {
    return "ShardCheckpoint{" + key() + ", cursor=" + cursor + ", page=" + pageSeq + ", records="
        + recordsSynced + ", phase=" + phase.label() + "}";
  }

  /** Field by field; the phase by its label, the time as epoch seconds and nanos. */
  public static final class ShardCheckpointCoder extends AtomicCoder<ShardCheckpoint> {
    @Override
    public void encode(ShardCheckpoint c, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(c.syncName, out);
      StringUtf8Coder.of().encode(c.partition, out);
      VarIntCoder.of().encode(c.shardCount, out);
      VarIntCoder.of().encode(c.shard, out);
      Cursor.CODER.encode(c.cursor, out);
      VarLongCoder.of().encode(c.pageSeq, out);
      VarLongCoder.of().encode(c.recordsSynced, out);
      StringUtf8Coder.of().encode(c.phase.label(), out);
      VarLongCoder.of().encode(c.updatedAt.getEpochSecond(), out);
      VarIntCoder.of().encode(c.updatedAt.getNano(), out);
    }

    @Override
    public ShardCheckpoint decode(InputStream in) throws IOException {
      return new ShardCheckpoint(StringUtf8Coder.of().decode(in), StringUtf8Coder.of().decode(in),
          VarIntCoder.of().decode(in),
          VarIntCoder.of().decode(in), Cursor.CODER.decode(in), VarLongCoder.of().decode(in),
          VarLongCoder.of().decode(in), SyncPhase.fromLabel(StringUtf8Coder.of().decode(in)),
          Instant.ofEpochSecond(VarLongCoder.of().decode(in), VarIntCoder.of().decode(in)));
    }
  }
}
