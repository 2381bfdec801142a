package io.bqharpersync.options;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * One named check per kind of option value. Each takes the option's name and returns the checked
 * value, or throws an {@link IllegalArgumentException} whose message starts with {@code --name:},
 * so an operator sees which option to fix without reading a stack trace.
 */
public final class OptionChecks {
  private OptionChecks() {}

  public static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  public static IllegalArgumentException invalid(String option, String problem) {
    return new IllegalArgumentException("--" + option + ": " + problem);
  }

  /** The trimmed value; an error when it is missing or blank. */
  public static String required(String option, String value) {
    if (blank(value)) {
      throw invalid(option, "required");
    }
    return value.trim();
  }

  /** The trimmed value, or {@code fallback} when it is missing or blank. */
  public static String orDefault(String value, String fallback) {
    return blank(value) ? fallback : value.trim();
  }

  /** The value, checked by {@code valid}; {@code expected} says what a valid value looks like. */
  public static String matching(String option, String value, Predicate<String> valid, String expected) {
    String trimmed = required(option, value);
    if (!valid.test(trimmed)) {
      throw invalid(option, "expected " + expected + ", got '" + trimmed + "'");
    }
    return trimmed;
  }

  /** The non-blank items of a comma-separated list, trimmed. */
  public static List<String> commaSeparated(String value) {
    List<String> items = new ArrayList<>();
    if (!blank(value)) {
      for (String item : value.split(",")) {
        if (!item.isBlank()) {
          items.add(item.trim());
        }
      }
    }
    return items;
  }

  public static int inRange(String option, int value, int min, int max) {
    if (value < min || value > max) {
      throw invalid(option, "must be within " + min + ".." + max + ", got " + value);
    }
    return value;
  }

  /** A duration ({@link DurationText}), zero allowed. */
  public static Duration duration(String option, String text) {
    return DurationText.parse(option, text);
  }

  /** A duration greater than zero. */
  public static Duration positiveDuration(String option, String text) {
    Duration value = DurationText.parse(option, text);
    if (value.isZero() || value.isNegative()) {
      throw invalid(option, "must be positive, got " + value);
    }
    return value;
  }

  /** An ISO-8601 instant, or null when the option is not set. */
  public static Instant optionalInstant(String option, String text) {
    if (blank(text)) {
      return null;
    }
    try {
      return Instant.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw invalid(option, "expected an ISO-8601 instant such as 2026-01-31T00:00:00Z, got '"
          + text + "'");
    }
  }

  /** One of an enum's constants, written in any case. */
  public static <E extends Enum<E>> E oneOf(String option, String text, Class<E> type) {
    String name = required(option, text).toUpperCase(Locale.ROOT);
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equals(name)) {
        return constant;
      }
    }
    throw invalid(option, "'" + text + "' is not one of "
        + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
  }

  /** An http(s) URL, or null when the option is not set. */
  public static String optionalUrl(String option, String value) {
    if (blank(value)) {
      return null;
    }
    return matching(option, value, v -> v.matches("https?://\\S+"), "an http(s) URL");
  }

  /**
   * A secret from the first line of a file, else from an environment variable. The value is
   * never part of a message.
   */
  public static String secret(String fileOption, String file, String envOption, String variable) {
    if (!blank(file)) {
      Path path = Path.of(file.trim());
      List<String> lines;
      try {
        lines = Files.readAllLines(path, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw invalid(fileOption, "cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
      }
      if (lines.isEmpty() || lines.get(0).isEmpty()) {
        throw invalid(fileOption, path + " is empty");
      }
      return lines.get(0);
    }
    String name = required(envOption, variable);
    String value = System.getenv(name);
    if (value == null || value.isEmpty()) {
      throw invalid(envOption, "environment variable " + name + " is not set; set it to the "
          + "password, or use --" + fileOption);
    }
    return value;
  }
}
