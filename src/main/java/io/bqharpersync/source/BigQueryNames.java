package io.bqharpersync.source;

import java.util.regex.Pattern;

/**
 * What BigQuery accepts as a table or column name. Statements quote identifiers with backticks
 * and take every value as a parameter; these checks are what makes the quoting safe.
 */
public final class BigQueryNames {
  private static final Pattern PROJECT = Pattern.compile("[a-z][a-z0-9.:-]{0,62}[a-z0-9]");
  private static final Pattern DATASET = Pattern.compile("[A-Za-z0-9_]{1,1024}");
  private static final Pattern TABLE = Pattern.compile("[\\p{L}\\p{M}\\p{N}\\p{Pc}\\p{Pd}\\p{Zs}]{1,1024}");
  private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,299}");

  private BigQueryNames() {}

  /** {@code project.dataset.table}, each part as BigQuery allows it. */
  public static boolean isTable(String qualified) {
    if (qualified == null) {
      return false;
    }
    String[] parts = qualified.split("\\.", -1);
    return parts.length == 3 && PROJECT.matcher(parts[0]).matches()
        && DATASET.matcher(parts[1]).matches() && TABLE.matcher(parts[2]).matches();
  }

  public static boolean isColumn(String name) {
    return name != null && COLUMN.matcher(name).matches();
  }

  static String quote(String identifier) {
    return "`" + identifier + "`";
  }
}
