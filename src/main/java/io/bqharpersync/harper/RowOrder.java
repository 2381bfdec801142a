package io.bqharpersync.harper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bqharpersync.record.SyncRecord;
import io.bqharpersync.record.SyncVersion;

/** Which of two records of one key replaces the other, by {@link SyncVersion}'s order. */
final class RowOrder {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RowOrder() {}

  /** Whether {@code candidate} is newer than {@code current}. */
  static boolean isNewer(SyncRecord candidate, SyncRecord current) {
    if (candidate.cursorMicros() != current.cursorMicros()) {
      return candidate.cursorMicros() > current.cursorMicros();
    }
    // Same timestamp: rare, so the versions are read from the JSON only here.
    return version(candidate).compareTo(version(current)) > 0;
  }

  private static String version(SyncRecord record) {
    try {
      return MAPPER.readTree(record.json()).path(SyncVersion.FIELD).asText("");
    } catch (JsonProcessingException e) {
      return "";
    }
  }
}
