package io.bqharpersync.options;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as operators write them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code
 * 2d}, or ISO-8601; parsed from options, and formatted the same way for progress and status lines.
 */
public final class DurationText {
  private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private DurationText() {}

  public static Duration parse(String option, String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("--" + option + ": a duration is required");
    }
    String t = text.trim();
    Matcher m = SHORT.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "ms":
          return Duration.ofMillis(n);
        case "s":
          return Duration.ofSeconds(n);
        case "m":
          return Duration.ofMinutes(n);
        case "h":
          return Duration.ofHours(n);
        default:
          return Duration.ofDays(n);
      }
    }
    try {
      Duration d = Duration.parse(t);
      if (d.isNegative()) {
        throw new IllegalArgumentException("--" + option + ": must not be negative, got '" + text + "'");
      }
      return d;
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("--" + option + ": '" + text
          + "' is not a duration (write e.g. 500ms, 30s, 5m, 1h, 2d or PT30S)");
    }
  }

  /** {@code 2h5m}, {@code 30m}, {@code 4.2s}: two units at most, a zero second unit left out. */
  public static String format(Duration d) {
    long s = d.getSeconds();
    return s >= 86_400 ? units(s / 86_400, "d", (s % 86_400) / 3600, "h")
        : s >= 3600 ? units(s / 3600, "h", (s % 3600) / 60, "m")
        : s >= 60 ? units(s / 60, "m", s % 60, "s")
        : String.format("%.1fs", d.toMillis() / 1000.0);
  }

  private static String units(long first, String firstUnit, long second, String secondUnit) {
    return first + firstUnit + (second == 0 ? "" : second + secondUnit);
  }
}
