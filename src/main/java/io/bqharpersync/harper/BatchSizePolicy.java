package io.bqharpersync.harper;

import java.io.Serializable;
import java.time.Duration;

/**
 * How many records go into one upsert request, by how far behind the batch is. Far behind, large
 * requests amortize per-request cost; near real time, small requests keep each write short, so a
 * record waits less behind the others of its batch. {@link #fixed} turns the adaptation off.
 */
public final class BatchSizePolicy implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int farBehind;
  private final int behind;
  private final int current;

  private BatchSizePolicy(int farBehind, int behind, int current) {
    this.farBehind = farBehind;
    this.behind = behind;
    this.current = current;
  }

  /** 10,000 records while a batch is over an hour behind, 1,000 over five minutes, else 500. */
  public static BatchSizePolicy adaptive() {
    return new BatchSizePolicy(10_000, 1_000, 500);
  }

  public static BatchSizePolicy fixed(int size) {
    if (size < 1 || size > 100_000) {
      throw new IllegalArgumentException("must be within 1..100000, got " + size);
    }
    return new BatchSizePolicy(size, size, size);
  }

  /** {@code adaptive} or a number of records. */
  public static BatchSizePolicy parse(String text) {
    if (text == null || text.isBlank() || text.trim().equalsIgnoreCase("adaptive")) {
      return adaptive();
    }
    try {
      return fixed(Integer.parseInt(text.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "expected 'adaptive' or a number of records, got '" + text + "'");
    }
  }

  public int sizeFor(Duration lag) {
    if (lag.compareTo(Duration.ofHours(1)) > 0) {
      return farBehind;
    }
    return lag.compareTo(Duration.ofMinutes(5)) > 0 ? behind : current;
  }

  /** The largest size this policy ever asks for: the batch size to group records by. */
  public int max() {
    return Math.max(farBehind, Math.max(behind, current));
  }

  @Override
  public String toString() {
    return farBehind == current ? "fixed(" + current + ")"
        : "adaptive(" + farBehind + "/" + behind + "/" + current + ")";
  }
}
