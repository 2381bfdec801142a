package io.bqharpersync.bqlocal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Rewrites the subset of GoogleSQL this project sends into H2's dialect. It works on tokens, not
 * on the text, so a parameter name inside a string literal stays a string. It does not parse:
 * anything outside the subset reaches H2 unchanged and fails there with H2's message.
 *
 * <ul>
 *   <li>{@code `project.dataset.table`} becomes {@code "dataset"."table"}; the project is ignored.
 *   <li>{@code @name} becomes {@code ?}; {@link Translation#parameterOrder} lists the names.
 *   <li>{@code CAST(col AS STRING)} of a TIMESTAMP column becomes {@code BQ_TIMESTAMP_STRING(col)},
 *       which prints BigQuery's form; any other {@code CAST(x AS STRING)} becomes {@code
 *       BQ_CAST_STRING(CAST(x AS VARCHAR))}. Other CAST target types are renamed to H2's.
 *   <li>{@code FARM_FINGERPRINT}, {@code ABS}, {@code MOD}, {@code DIV}, {@code UNIX_MICROS} call {@link
 *       BigQueryFunctions}; {@code BIT_XOR} becomes H2's {@code BIT_XOR_AGG}.
 *   <li>Double-quoted strings become single-quoted.
 * </ul>
 */
final class SqlTranslator {
  private static final Map<String, String> FUNCTIONS = Map.of(
      "FARM_FINGERPRINT", "BQ_FARM_FINGERPRINT",
      "ABS", "BQ_ABS",
      "MOD", "BQ_MOD",
      "DIV", "BQ_DIV",
      "UNIX_MICROS", "BQ_UNIX_MICROS",
      "BIT_XOR", "BIT_XOR_AGG");
  private static final Map<String, String> CAST_TYPES = Map.of(
      "INT64", "BIGINT",
      "FLOAT64", "DOUBLE PRECISION",
      "BOOL", "BOOLEAN",
      "TIMESTAMP", "TIMESTAMP(6) WITH TIME ZONE",
      "NUMERIC", "NUMERIC(38, 9)",
      "DATE", "DATE");

  static final class Translation {
    final String sql;
    final List<String> parameterOrder;
    /** The dataset and table of the first table reference, for result schemas; may be null. */
    final String[] table;

    Translation(String sql, List<String> parameterOrder, String[] table) {
      this.sql = sql;
      this.parameterOrder = parameterOrder;
      this.table = table;
    }
  }

  private enum Kind { WORD, QUOTED_NAME, STRING, PARAM, SYMBOL, SPACE }

  private static final class Token {
    final Kind kind;
    String text;

    Token(Kind kind, String text) {
      this.kind = kind;
      this.text = text;
    }
  }

  private SqlTranslator() {}

  /** Resolves a column of the query's table to its BigQuery type, or null when unknown. */
  interface ColumnTypes {
    String typeOf(String dataset, String table, String column);
  }

  static Translation translate(String googleSql, ColumnTypes columnTypes) {
    List<Token> tokens = lex(googleSql);
    List<String> parameters = new ArrayList<>();
    String[] firstTable = null;
    for (Token token : tokens) {
      if (token.kind == Kind.QUOTED_NAME && token.text.contains(".")) {
        String[] parts = token.text.split("\\.");
        firstTable = new String[] {parts[parts.length - 2], parts[parts.length - 1]};
        break;
      }
    }
    String[] table = firstTable;
    for (int i = 0; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      switch (token.kind) {
        case PARAM:
          parameters.add(token.text.substring(1));
          token.text = "?";
          break;
        case QUOTED_NAME:
          String[] parts = token.text.split("\\.");
          if (parts.length >= 2) {
            token.text = quote(parts[parts.length - 2]) + "." + quote(parts[parts.length - 1]);
          } else {
            token.text = quote(parts[0]);
          }
          break;
        case WORD:
          String upper = token.text.toUpperCase(Locale.ROOT);
          if (upper.equals("CAST") && next(tokens, i) != null && next(tokens, i).text.equals("(")) {
            rewriteCast(tokens, i, column -> table == null
                ? null : columnTypes.typeOf(table[0], table[1], column));
          } else if (FUNCTIONS.containsKey(upper) && next(tokens, i) != null
              && next(tokens, i).text.equals("(")) {
            token.text = FUNCTIONS.get(upper);
          }
          break;
        default:
          break;
      }
    }
    StringBuilder sql = new StringBuilder();
    for (Token token : tokens) {
      sql.append(token.text);
    }
    return new Translation(sql.toString(), parameters, firstTable);
  }

  /** CAST ( expr AS type ): finds the AS at depth 1 and the closing parenthesis. */
  private static void rewriteCast(
      List<Token> tokens, int castIndex, java.util.function.Function<String, String> columnType) {
    int depth = 0;
    int asIndex = -1;
    for (int j = castIndex + 1; j < tokens.size(); j++) {
      String text = tokens.get(j).text;
      if (text.equals("(")) {
        depth++;
      } else if (text.equals(")")) {
        depth--;
        if (depth == 0) {
          if (asIndex < 0) {
            return;
          }
          StringBuilder type = new StringBuilder();
          for (int k = asIndex + 1; k < j; k++) {
            type.append(tokens.get(k).text);
          }
          String target = type.toString().trim().toUpperCase(Locale.ROOT);
          if (target.equals("STRING")) {
            List<Token> operand = new ArrayList<>();
            for (int k = castIndex + 2; k < asIndex; k++) {
              if (tokens.get(k).kind != Kind.SPACE) {
                operand.add(tokens.get(k));
              }
            }
            boolean timestampColumn = operand.size() == 1
                && (operand.get(0).kind == Kind.WORD || operand.get(0).kind == Kind.QUOTED_NAME)
                && "TIMESTAMP".equals(columnType.apply(operand.get(0).text));
            if (timestampColumn) {
              tokens.get(castIndex).text = "BQ_TIMESTAMP_STRING";
              for (int k = asIndex; k < j; k++) {
                tokens.get(k).text = "";
              }
            } else {
              tokens.get(castIndex).text = "BQ_CAST_STRING(CAST";
              for (int k = asIndex + 1; k < j; k++) {
                tokens.get(k).text = "";
              }
              tokens.get(asIndex + 1).text = " VARCHAR)";
            }
          } else if (CAST_TYPES.containsKey(target)) {
            for (int k = asIndex + 1; k < j; k++) {
              tokens.get(k).text = "";
            }
            tokens.get(asIndex + 1).text = " " + CAST_TYPES.get(target);
          }
          return;
        }
      } else if (depth == 1 && tokens.get(j).kind == Kind.WORD
          && text.equalsIgnoreCase("AS")) {
        asIndex = j;
      }
    }
  }

  private static Token next(List<Token> tokens, int i) {
    for (int j = i + 1; j < tokens.size(); j++) {
      if (tokens.get(j).kind != Kind.SPACE) {
        return tokens.get(j);
      }
    }
    return null;
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  private static List<Token> lex(String sql) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      int start = i;
      if (Character.isWhitespace(c)) {
        while (i < n && Character.isWhitespace(sql.charAt(i))) {
          i++;
        }
        tokens.add(new Token(Kind.SPACE, sql.substring(start, i)));
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        while (i < n && sql.charAt(i) != '\n') {
          i++;
        }
        tokens.add(new Token(Kind.SPACE, " "));
      } else if (c == '`') {
        int end = sql.indexOf('`', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("Syntax error: unclosed identifier quote at " + i);
        }
        tokens.add(new Token(Kind.QUOTED_NAME, sql.substring(i + 1, end)));
        i = end + 1;
      } else if (c == '\'' || c == '"') {
        StringBuilder value = new StringBuilder();
        i++;
        while (i < n && sql.charAt(i) != c) {
          if (sql.charAt(i) == '\\' && i + 1 < n) {
            i++;
          }
          value.append(sql.charAt(i));
          i++;
        }
        if (i >= n) {
          throw new IllegalArgumentException("Syntax error: unclosed string literal at " + start);
        }
        i++;
        tokens.add(new Token(Kind.STRING, "'" + value.toString().replace("'", "''") + "'"));
      } else if (c == '@' && i + 1 < n && Character.isJavaIdentifierStart(sql.charAt(i + 1))) {
        i++;
        while (i < n && Character.isJavaIdentifierPart(sql.charAt(i))) {
          i++;
        }
        tokens.add(new Token(Kind.PARAM, sql.substring(start, i)));
      } else if (Character.isJavaIdentifierStart(c)) {
        while (i < n && Character.isJavaIdentifierPart(sql.charAt(i))) {
          i++;
        }
        tokens.add(new Token(Kind.WORD, sql.substring(start, i)));
      } else {
        tokens.add(new Token(Kind.SYMBOL, String.valueOf(c)));
        i++;
      }
    }
    return tokens;
  }
}
