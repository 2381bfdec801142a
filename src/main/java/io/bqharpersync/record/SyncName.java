package io.bqharpersync.record;

import java.util.regex.Pattern;

/**
 * What a sync may be called. The name keys its checkpoints ({@code name/shards/shard}) and marks
 * its dead letters, so it must be safe inside a Harper primary key.
 */
public final class SyncName {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

  /** How a valid name looks, for error messages. */
  public static final String EXPECTED = "1-100 letters, digits, '_', '.' or '-'";

  private SyncName() {}

  public static boolean isValid(String name) {
    return name != null && VALID.matcher(name).matches();
  }
}
