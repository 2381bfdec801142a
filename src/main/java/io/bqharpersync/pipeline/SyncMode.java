package io.bqharpersync.pipeline;

/** Whether a job reads to a fixed end and finishes, or keeps polling. */
public enum SyncMode {
  BACKFILL,
  CONTINUOUS;

  static SyncMode parse(String text) {
    for (SyncMode mode : values()) {
      if (mode.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
        return mode;
      }
    }
    throw new IllegalArgumentException("--mode: expected backfill or continuous, got '" + text + "'");
  }
}
