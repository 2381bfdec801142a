package io.bqharpersync.bqlocal;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Faults the stand-in injects into its next calls, for tests of the reader's failure handling.
 * Each queued fault applies to one call, in order; calls to the admin route are not counted.
 */
public final class FaultPlan {
  /** What the next call does instead of its normal answer. */
  public enum Fault {
    /** HTTP 429 with reason {@code rateLimitExceeded}. */
    RATE_LIMITED,
    /** HTTP 500 with reason {@code backendError}. */
    BACKEND_ERROR,
    /** Waits {@link #stallMillis} before answering normally, longer than a client's read timeout. */
    STALL,
    /** A query answers {@code jobComplete: false}; other calls answer normally. */
    INCOMPLETE
  }

  private final Deque<Fault> queue = new ArrayDeque<>();
  private volatile long stallMillis = 5_000;

  public synchronized void add(Fault fault, int times) {
    for (int i = 0; i < times; i++) {
      queue.add(fault);
    }
  }

  public void stallMillis(long millis) {
    this.stallMillis = millis;
  }

  long stallMillis() {
    return stallMillis;
  }

  synchronized Fault next() {
    return queue.poll();
  }

  public synchronized int pending() {
    return queue.size();
  }

  public synchronized void clear() {
    queue.clear();
  }
}
