package io.bqharpersync.options;

/**
 * The shapes an option's value can have, each as the regular expression a Flex Template launch
 * checks before the job starts. They admit what the option's own check ({@code SyncConfig.from})
 * admits, except where that check needs more than a pattern (a port's range, a duration's sign).
 */
public enum ParameterShape {
  /** Free text: no pattern. */
  TEXT(null, null),
  /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d}, or ISO-8601 ({@code PT30S}). */
  DURATION("^([0-9]+(ms|s|m|h|d)|P([0-9]+D)?(T([0-9]+H)?([0-9]+M)?([0-9]+([.][0-9]+)?S)?)?)$", "ten seconds"),
  POSITIVE_INTEGER("^[1-9][0-9]*$", "-4"),
  PORT("^[0-9]{1,5}$", "http"),
  /** A Harper database, table or environment variable name. */
  IDENTIFIER("^[A-Za-z_][A-Za-z0-9_]*$", "my table"),
  COLUMN("^[A-Za-z_][A-Za-z0-9_]*$", "1st column"),
  /** Column names, comma-separated; empty for every column. */
  COLUMN_LIST("^([A-Za-z_][A-Za-z0-9_]*( *, *[A-Za-z_][A-Za-z0-9_]*)*)?$", "id;timestamp"),
  BIGQUERY_TABLE("^[a-z][a-z0-9:-]*[a-z0-9][.][A-Za-z0-9_]+[.][^.]+$", "readings"),
  GCP_PROJECT("^[a-z][a-z0-9.:-]*[a-z0-9]$", "My Project"),
  URL("^https?://[^ ,]+$", "127.0.0.1:9925"),
  URL_LIST("^https?://[^ ,]+( *, *https?://[^ ,]+)*$", "10.0.0.1:9925,10.0.0.2:9925"),
  INSTANT("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?Z$", "yesterday"),
  SECRET_VERSION("^projects/[^/]+/secrets/[^/]+/versions/[^/]+$", "my-secret"),
  SYNC_NAME("^[A-Za-z0-9_.-]{1,100}$", "my sync"),
  MODE("^(backfill|continuous)$", "streaming"),
  PARTITION("^(TIMESTAMP_MICROS|TIMESTAMP_STRING|ID)$", "HASH"),
  BATCH_SIZE("^(adaptive|[1-9][0-9]*)$", "auto");

  private final String regex;
  private final String wrongExample;

  ParameterShape(String regex, String wrongExample) {
    this.regex = regex;
    this.wrongExample = wrongExample;
  }

  /** The pattern of a value, or null for free text. */
  public String regex() {
    return regex;
  }

  /** An obvious wrong value, which the pattern refuses. */
  public String wrongExample() {
    return wrongExample;
  }
}
