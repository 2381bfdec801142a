package io.bqharpersync.harper;

import java.io.Serializable;
import java.time.Duration;
import java.util.function.Supplier;
import org.apache.beam.sdk.util.BackOff;
import org.apache.beam.sdk.util.BackOffUtils;
import org.apache.beam.sdk.util.FluentBackoff;
import org.apache.beam.sdk.util.Sleeper;

/**
 * How long to keep retrying a {@link HarperException.Retriable} call: exponential backoff with
 * jitter (Beam's {@link FluentBackoff}), capped by attempts and by total time. When the budget is
 * spent the last error is thrown, so the bundle fails and the runner retries it; nothing is
 * skipped. {@link HarperException.Permanent} is never retried.
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
   * Runs {@code call}, retrying retriable failures.
   *
   * @param onRetry called before each retry, for metrics
   */
  public <T> T run(Supplier<T> call, Runnable onRetry) {
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
      } catch (HarperException.Retriable e) {
        boolean again;
        try {
          again = BackOffUtils.next(Sleeper.DEFAULT, backoff);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        if (!again) {
          throw new HarperException.Retriable(
              "gave up after " + attempt + " attempts: " + e.getMessage(), e.statusCode(), e);
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
