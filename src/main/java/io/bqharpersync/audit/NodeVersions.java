package io.bqharpersync.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.record.SyncVersion;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The (key, version) of every row one node holds whose version lies in an audit window, read in
 * one streamed request of two attributes, never the whole rows.
 */
final class NodeVersions {
  private NodeVersions() {}

  static void forEach(HarperClient harper, int slot, String database, String table,
      String idColumn, String idPrefix, AuditWindow window, BiConsumer<String, String> each) {
    harper.forEachRecord(slot, database, table, idColumn, idPrefix,
        List.of(idColumn, SyncVersion.FIELD), row -> {
          String version = row.path(SyncVersion.FIELD).asText("");
          // A row without a version (written before versions existed) has no place in any
          // window: the source side finds its key absent, and the lookup names it stale.
          if (window.containsVersion(version)) {
            each.accept(key(row.path(idColumn)), version);
          }
        });
  }

  /** A primary key as text, the way the source side names it (numbers without quotes). */
  static String key(JsonNode id) {
    return id.asText();
  }
}
