package io.bqharpersync.retry;

import java.io.Serializable;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.beam.sdk.util.BackOff;
import org.apache.beam.sdk.util.BackOffUtils;
import org.apache.beam.sdk.util.FluentBackoff;
import org.apache.beam.sdk.util.Sleeper;

/**
 * How long to keep retrying a call that failed in a way that may pass: exponential backoff with
 * jitter (Beam's {@link FluentBackoff}), capped by attempts and by total time. When the budget is
 * spent {@link RetriesExhaustedException} is thrown, so the bundle fails and the runner retries
 * it; nothing is skipped. Errors the caller's predicate calls permanent are thrown at once.
 */
public final class RetryPolicy implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int maxRetries;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration maxCumulativeBackoff;

  private RetryPolicy(
      int maxRetries, Duration initialBackoff, Duration maxBackoff, Duration maxCumulativeBackoff) {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries: must be >= 0, got " + maxRetries);
    }
    this.maxRetries = maxRetries;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.maxCumulativeBackoff = maxCumulativeBackoff;
  }

  /** Rides out a node restart (seconds) without holding a bundle for more than two minutes. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(12, Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofMinutes(2));
  }

  public static RetryPolicy of(int maxRetries, Duration initialBackoff, Duration maxCumulativeBackoff) {
    return new RetryPolicy(maxRetries, initialBackoff, Duration.ofSeconds(10), maxCumulativeBackoff);
  }

  public int maxRetries() {
    return maxRetries;
  }

  /**
   * Runs {@code call}, retrying the failures {@code retriable} accepts.
   *
   * @param onRetry called before each retry, for metrics
   */
  public <T> T run(Supplier<T> call, Predicate<RuntimeException> retriable, Runnable onRetry) {
    BackOff backoff =
        FluentBackoff.DEFAULT
            .withMaxRetries(maxRetries)
            .withInitialBackoff(org.joda.time.Duration.millis(initialBackoff.toMillis()))
            .withMaxBackoff(org.joda.time.Duration.millis(maxBackoff.toMillis()))
            .withMaxCumulativeBackoff(org.joda.time.Duration.millis(maxCumulativeBackoff.toMillis()))
            .backoff();
    int attempt = 0;
    while (true) {
      attempt++;
      try {
        return call.get();
      } catch (RuntimeException e) {
        if (!retriable.test(e)) {
          throw e;
        }
        boolean again;
        try {
          again = BackOffUtils.next(Sleeper.DEFAULT, backoff);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        if (!again) {
          throw new RetriesExhaustedException(attempt, e);
        }
        onRetry.run();
      }
    }
  }

  @Override
  public String toString() {
    return "RetryPolicy{maxRetries=" + maxRetries + ", initialBackoff=" + initialBackoff
        + ", maxCumulativeBackoff=" + maxCumulativeBackoff + "}";
  }
}
