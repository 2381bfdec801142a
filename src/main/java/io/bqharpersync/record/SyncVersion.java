package io.bqharpersync.record;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;

/**
 * The order in which rows of one primary key replace each other: the newer cursor timestamp wins;
 * of two rows with the same timestamp, the one whose content fingerprint (FarmHash Fingerprint64
 * of the row's JSON as the sync sends it, without this field and without its null fields) is
 * greater wins. Null fields are left out so that a column added to the source, NULL in every
 * older row, changes no older row's version.
 *
 * <p>It travels with each row as the attribute {@value #FIELD}: 32 hex digits, the timestamp and
 * then the fingerprint, each offset so that the string order is the numeric order. Harper's
 * {@code SyncUpsert} resource compares the strings and never lets a row replace one that is newer.
 */
public final class SyncVersion {
  /** The attribute that carries a row's version into Harper. */
  public static final String FIELD = "syncVersion";

  private SyncVersion() {}

  /** The version of a row with cursor timestamp {@code micros} and content {@code row}. */
  public static String of(long micros, ObjectNode row) {
    ObjectNode content = row.objectNode();
    row.fields().forEachRemaining(field -> {
      if (!field.getKey().equals(FIELD) && !field.getValue().isNull()) {
        content.set(field.getKey(), field.getValue());
      }
    });
    return hex(micros) + hex(fingerprint(content.toString()));
  }

  /**
   * The JSON of {@code row} with its version, as {@link #stamp} then {@code toString()} give it.
   * A row without null fields and without a version is serialized once, not twice: the
   * fingerprint's input is then the row's own JSON, and the version goes after its last field.
   * That is most rows, and the sync stamps every row it reads.
   */
  public static String stampedJson(ObjectNode row, long micros) {
    if (row.has(FIELD) || hasNullField(row)) {
      return stamp(row, micros).toString();
    }
    String content = row.toString();
    String version = hex(micros) + hex(fingerprint(content));
    String field = "\"" + FIELD + "\":\"" + version + "\"}";
    return row.isEmpty() ? "{" + field
        : content.substring(0, content.length() - 1) + "," + field;
  }

  private static boolean hasNullField(ObjectNode row) {
    for (var values = row.elements(); values.hasNext(); ) {
      if (values.next().isNull()) {
        return true;
      }
    }
    return false;
  }

  private static long fingerprint(String json) {
    return Hashing.farmHashFingerprint64().hashString(json, StandardCharsets.UTF_8).asLong();
  }

  /** Adds the version of {@code row} (whose timestamp is {@code micros}) to it; returns it. */
  public static ObjectNode stamp(ObjectNode row, long micros) {
    String version = of(micros, row);
    row.remove(FIELD);
    return row.put(FIELD, version);
  }

  /** The cursor timestamp (micros) a version was made from; see {@link #of}. */
  public static long micros(String version) {
    if (version.length() < 16) {
      throw new IllegalArgumentException("not a sync version: " + version);
    }
    return Long.parseUnsignedLong(version.substring(0, 16), 16) ^ Long.MIN_VALUE;
  }

  /** Fixed width, and offset by 2^63 so that negative numbers sort before positive ones. */
  private static String hex(long value) {
    String digits = Long.toHexString(value ^ Long.MIN_VALUE);
    return "0".repeat(16 - digits.length()) + digits;
  }
}
