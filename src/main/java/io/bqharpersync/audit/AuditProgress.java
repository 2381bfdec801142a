package io.bqharpersync.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.harper.HarperException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How far a sync's periodic audit has compared: one {@code SyncAudit} row per sync, {@code
 * <syncName>/audited}, read from every node that answers (the newest wins, as with checkpoints),
 * so a restarted job audits only what closed since.
 */
final class AuditProgress {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AuditProgress() {}

  static String id(String syncName) {
    return syncName + "/audited";
  }

  static Optional<Instant> read(HarperClient harper, String database, String syncName) {
    Instant newest = null;
    for (int slot = 0; slot < harper.connection().nodeCount(); slot++) {
      try {
        for (JsonNode row : harper.searchById(slot, database, ContentAudit.AUDIT_TABLE,
            List.of(id(syncName)))) {
          Instant at = Instant.parse(row.path("windowUntil").asText());
          newest = newest == null || at.isAfter(newest) ? at : newest;
        }
      } catch (HarperException.Retriable unreachable) {
        // Another node's copy will do; with none, the audit starts from the table's start.
      }
    }
    return Optional.ofNullable(newest);
  }

  static void write(HarperClient harper, String database, String syncName, AuditWindow window) {
    ObjectNode row = MAPPER.createObjectNode();
    row.put("id", id(syncName));
    row.put("timestamp", Instant.now().toString());
    row.put("syncName", syncName);
    row.put("windowFrom", window.from() == null ? null : window.from().toString());
    row.put("windowUntil", window.until().toString());
    row.put("status", "audited");
    HarperException.Retriable last = null;
    for (int slot = 0; slot < harper.connection().nodeCount(); slot++) {
      try {
        harper.upsert(slot, database, ContentAudit.AUDIT_TABLE, List.of(row.toString()));
        return;
      } catch (HarperException.Retriable unreachable) {
        last = unreachable;
      }
    }
    throw last;
  }
}
