package io.bqharpersync.checkpoint;

import java.time.Duration;

/**
 * Where a shard stands, as operators read it on a dashboard. A shard starts {@code INITIAL}
 * (first backfill), becomes {@code STEADY} once within {@link #STEADY_LAG} of now, and is {@code
 * CATCHUP} whenever it falls behind again after that.
 */
public enum SyncPhase {
  INITIAL,
  CATCHUP,
  STEADY;

  public static final Duration STEADY_LAG = Duration.ofMinutes(5);

  public static SyncPhase after(SyncPhase previous, Duration lag) {
    boolean caughtUp = lag.compareTo(STEADY_LAG) <= 0;
    if (caughtUp) {
      return STEADY;
    }
    return previous == null || previous == INITIAL ? INITIAL : CATCHUP;
  }

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static SyncPhase fromLabel(String label) {
    return label == null ? null : valueOf(label.toUpperCase(java.util.Locale.ROOT));
  }
}
