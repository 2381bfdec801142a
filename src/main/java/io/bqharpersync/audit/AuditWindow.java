package io.bqharpersync.audit;

import io.bqharpersync.record.Micros;
import io.bqharpersync.record.SyncVersion;
import java.io.Serializable;
import java.time.Instant;

/**
 * The rows an audit compares: every key whose newest row has a cursor timestamp in {@code [from,
 * until)}. The end is a committed cursor or further back, so every such row has been written.
 *
 * @param from null for the table's start
 * @param until exclusive
 */
public record AuditWindow(Instant from, Instant until) implements Serializable {
  public AuditWindow {
    if (until == null || (from != null && !from.isBefore(until))) {
      throw new IllegalArgumentException("an audit window needs from < until: " + from + ", " + until);
    }
  }

  public boolean contains(long micros) {
    return (from == null || micros >= Micros.of(from)) && micros < Micros.of(until);
  }

  /**
   * Whether a row of this {@link SyncVersion} lies in the window; a row without a version (written
   * before versions existed) lies in none.
   */
  public boolean containsVersion(String version) {
    return version.length() >= 16 && contains(SyncVersion.micros(version));
  }

  /** Whether a row at {@code micros} lies beyond the window, not yet audited. */
  public boolean isAfter(long micros) {
    return micros >= Micros.of(until);
  }

  @Override
  public String toString() {
    return "[" + (from == null ? "start" : from.toString()) + ", " + until + ")";
  }
}
