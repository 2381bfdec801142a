package io.bqharpersync.source;

import java.time.Duration;
import java.time.Instant;

/**
 * How far past its cursor a shard's next query looks. The upper bound is what lets BigQuery prune
 * partitions, so it should be as tight as the data allows: the window doubles each time a page
 * comes back less than full (the rows are sparse there), halves when a page is full (the LIMIT
 * cut it, so the rest of the window was scanned and billed for nothing), stays within [initial,
 * max], and never reaches past the hard limit (now minus the safety lag, or a backfill's end).
 * A shard that has read nothing yet queries up to the hard limit: it does not know where its
 * rows begin.
 */
public final class ReadWindow {
  private final Duration initial;
  private final Duration max;
  private Duration width;

  public ReadWindow(Duration initial, Duration max) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "readWindow: initial must be positive and at most max, got " + initial + ", " + max);
    }
    this.initial = initial;
    this.max = max;
    this.width = initial;
  }

  /** A window that continues at {@code width} (clamped to [initial, max]). */
  public static ReadWindow resume(Duration initial, Duration max, Duration width) {
    ReadWindow window = new ReadWindow(initial, max);
    window.width = width.compareTo(initial) < 0 ? initial : width.compareTo(max) > 0 ? max : width;
    return window;
  }

  /** The upper bound for a query starting after a cursor at {@code from}; null cursor = start. */
  public Instant upper(Instant from, Instant hardLimit) {
    if (from == null) {
      return hardLimit;
    }
    Instant candidate = from.plus(width);
    return candidate.isBefore(hardLimit) ? candidate : hardLimit;
  }

  public void pageRead(int rows, int limit) {
    if (rows < limit) {
      Duration doubled = width.multipliedBy(2);
      width = doubled.compareTo(max) > 0 ? max : doubled;
    } else {
      Duration halved = width.dividedBy(2);
      width = halved.compareTo(initial) < 0 ? initial : halved;
    }
  }

  public void reset() {
    width = initial;
  }

  public Duration width() {
    return width;
  }
}
