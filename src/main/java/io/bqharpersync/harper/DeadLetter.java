package io.bqharpersync.harper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqharpersync.record.SyncRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A record the target refused, as a row of the dead-letter table: the raw row exactly as it was
 * sent, Harper's reason, and the time. The row id is derived from the record and the reason, so a
 * retried bundle overwrites its own dead letter instead of adding a second one.
 */
public final class DeadLetter {
  public static final String TABLE = "SyncDeadLetter";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private DeadLetter() {}

  /** Calls {@code each} with every dead letter of {@code syncName} held by node {@code slot}. */
  public static void scan(HarperClient client, int slot, String database, String syncName,
      Consumer<JsonNode> each) {
    client.scan(slot, database, TABLE, "id", "", 1000, letter -> {
      if (syncName.equals(letter.path("syncName").asText())) {
        each.accept(letter);
      }
    });
  }

  public static String row(
      String syncName, String targetTable, SyncRecord record, String reason, Instant failedAt) {
    String identity =
        syncName + '\n' + targetTable + '\n' + record.shard() + '\n' + record.id() + '\n'
            + record.json() + '\n' + reason;
    ObjectNode row = MAPPER.createObjectNode();
    row.put("id", UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString());
    row.put("syncName", syncName);
    row.put("targetTable", targetTable);
    row.put("shard", record.shard());
    row.put("sourceId", record.id());
    row.put("reason", reason);
    row.put("rawRow", record.json());
    row.put("failedAt", failedAt.toString());
    return row.toString();
  }
}
