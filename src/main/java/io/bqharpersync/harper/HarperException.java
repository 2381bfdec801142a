package io.bqharpersync.harper;

/**
 * A failed Harper call. The two subclasses are the only decision a caller has to make: {@link
 * Retriable} may succeed if sent again, {@link Permanent} will not.
 *
 * <p>Messages name the operation, the node and Harper's own reason, never the credentials.
 */
public abstract class HarperException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int statusCode;

  HarperException(String message, int statusCode, Throwable cause) {
    super(message, cause);
    this.statusCode = statusCode;
  }

  /** For {@code RetryPolicy.run}: only {@link Retriable} failures are worth sending again. */
  public static boolean isRetriable(RuntimeException e) {
    return e instanceof Retriable;
  }

  /** The HTTP status, or 0 when no reply arrived. */
  public int statusCode() {
    return statusCode;
  }

  /** I/O errors, timeouts, 429 and 5xx: the node may be restarting or overloaded. */
  public static final class Retriable extends HarperException {
    private static final long serialVersionUID = 1L;

    public Retriable(String message, int statusCode, Throwable cause) {
      super(message, statusCode, cause);
    }
  }

  /** Any other 4xx. {@link #harperMessage()} is Harper's own reason, for dead letters. */
  public static final class Permanent extends HarperException {
    private static final long serialVersionUID = 1L;

    private final String harperMessage;

    public Permanent(String message, int statusCode, String harperMessage) {
      super(message, statusCode, null);
      this.harperMessage = harperMessage;
    }

    public String harperMessage() {
      return harperMessage;
    }

    /** Harper refused the records themselves (a 400), as opposed to login, table or permissions. */
    public boolean isBadInput() {
      return statusCode() == 400 && !harperMessage.contains("does not exist");
    }
  }
}
