package io.bqharpersync.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqharpersync.record.SyncVersion;
import io.bqharpersync.source.BigQueryShardReader;
import io.bqharpersync.source.QueryStatement;
import io.bqharpersync.source.SourceRow;
import io.bqharpersync.source.TableQueries;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Each key's newest row in the source, with the version the sync gives it, read from a {@link
 * TableQueries#newestRows} statement (key order, every row tying on the newest timestamp). Of
 * tied rows the greatest version wins, as in Harper's {@code SyncUpsert}.
 */
final class SourceVersions {
  /** A key's newest source row: its JSON as the sync writes it, version included. */
  record Newest(String key, String version, long micros, ObjectNode json) {}

  private SourceVersions() {}

  static <T> T fold(BigQueryShardReader reader, TableQueries table, QueryStatement newestRows,
      Supplier<T> start, BiConsumer<T, Newest> add) {
    return reader.fold(table, newestRows, () -> new Grouping<>(start.get(), add), Grouping::accept)
        .finish();
  }

  /** Holds back each key's row until the next key starts, so ties are resolved first. */
  private static final class Grouping<T> {
    private final T value;
    private final BiConsumer<T, Newest> add;
    private Newest pending;

    Grouping(T value, BiConsumer<T, Newest> add) {
      this.value = value;
      this.add = add;
    }

    void accept(SourceRow row) {
      if (row.id() == null || row.timestampMicros() == null) {
        return;
      }
      ObjectNode json = SyncVersion.stamp(row.json(), row.timestampMicros());
      Newest newest = new Newest(row.id(), json.path(SyncVersion.FIELD).asText(),
          row.timestampMicros(), json);
      if (pending != null && pending.key().equals(newest.key())) {
        if (newest.version().compareTo(pending.version()) > 0) {
          pending = newest;
        }
        return;
      }
      if (pending != null) {
        add.accept(value, pending);
      }
      pending = newest;
    }

    T finish() {
      if (pending != null) {
        add.accept(value, pending);
        pending = null;
      }
      return value;
    }
  }
}
