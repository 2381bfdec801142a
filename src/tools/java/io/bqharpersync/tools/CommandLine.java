package io.bqharpersync.tools;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} arguments of the operator tools, with unknown names refused by name. */
final class CommandLine {
  private final Map<String, String> values = new HashMap<>();

  CommandLine(String[] args, Set<String> known) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
      }
      String name = arg.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("--" + name + ": needs a value");
      }
      if (!known.contains(name)) {
        throw new IllegalArgumentException("--" + name + ": unknown option; known: " + known);
      }
      values.put(name, value);
    }
  }

  long positiveLong(String name, long defaultValue) {
    String value = values.get(name);
    if (value == null) {
      return defaultValue;
    }
    try {
      long parsed = Long.parseLong(value.replace("_", ""));
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException ignored) {
      // Reported below with the option's name.
    }
    throw new IllegalArgumentException("--" + name + ": expected a positive integer, got '" + value + "'");
  }

  String string(String name, String defaultValue) {
    return values.getOrDefault(name, defaultValue);
  }
}
