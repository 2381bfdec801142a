package io.bqharpersync.bqlocal;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * BigQuery's functions, registered in the embedded engine as Java aliases, so queries compute what
 * BigQuery would, not what H2's look-alikes do.
 */
public final class BigQueryFunctions {
  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private BigQueryFunctions() {}

  /** FARM_FINGERPRINT(STRING): FarmHash Fingerprint64 of the UTF-8 bytes. */
  public static Long farmFingerprint(String value) {
    return value == null
        ? null
        : Hashing.farmHashFingerprint64().hashString(value, StandardCharsets.UTF_8).asLong();
  }

  /** ABS(INT64): like BigQuery, an error for the one value whose absolute value does not fit. */
  public static Long abs(Long value) {
    if (value == null) {
      return null;
    }
    if (value == Long.MIN_VALUE) {
      throw new ArithmeticException("int64 overflow: ABS(" + value + ")");
    }
    return Math.abs(value);
  }

  /** MOD(X, Y): the result takes the sign of X; an error when Y is 0. */
  public static Long mod(Long x, Long y) {
    if (x == null || y == null) {
      return null;
    }
    if (y == 0) {
      throw new ArithmeticException("division by zero: MOD(" + x + ", 0)");
    }
    return x % y;
  }

  /** DIV(X, Y): integer division rounding toward zero; an error when Y is 0. */
  public static Long div(Long x, Long y) {
    if (x == null || y == null) {
      return null;
    }
    if (y == 0) {
      throw new ArithmeticException("division by zero: DIV(" + x + ", 0)");
    }
    return x / y;
  }

  /** UNIX_MICROS(TIMESTAMP). */
  public static Long unixMicros(OffsetDateTime ts) {
    if (ts == null) {
      return null;
    }
    return Math.addExact(Math.multiplyExact(ts.toEpochSecond(), 1_000_000L), ts.getNano() / 1000L);
  }

  /** CAST(x AS STRING) of a non-timestamp: the engine's text, with BigQuery's spelling of booleans. */
  public static String castToString(String engineText) {
    if ("TRUE".equals(engineText) || "FALSE".equals(engineText)) {
      return engineText.toLowerCase(java.util.Locale.ROOT);
    }
    return engineText;
  }

  /**
   * CAST(ts AS STRING) of a TIMESTAMP: UTC as {@code 2024-01-01 00:00:00.5+00}, fractional
   * seconds without trailing zeros and none at all on a whole second.
   */
  public static String timestampToString(OffsetDateTime value) {
    if (value == null) {
      return null;
    }
    OffsetDateTime utc = value.withOffsetSameInstant(ZoneOffset.UTC);
    StringBuilder text = new StringBuilder(SECONDS.format(utc));
    int micros = utc.getNano() / 1000;
    if (micros != 0) {
      String fraction = String.format("%06d", micros).replaceAll("0+$", "");
      text.append('.').append(fraction);
    }
    return text.append("+00").toString();
  }
}
