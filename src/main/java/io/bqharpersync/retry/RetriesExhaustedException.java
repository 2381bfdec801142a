package io.bqharpersync.retry;

/** A call still failed when its {@link RetryPolicy} was spent; the cause is the last failure. */
public final class RetriesExhaustedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RetriesExhaustedException(int attempts, RuntimeException last) {
    super("gave up after " + attempts + " attempts: " + last.getMessage(), last);
  }
}
