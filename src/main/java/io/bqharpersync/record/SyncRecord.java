package io.bqharpersync.record;

import java.util.Objects;
import org.apache.beam.sdk.coders.DefaultCoder;

/**
 * One source row on its way to Harper, with where it came from.
 *
 * <p>Why this shape rather than Beam {@code Row} or a Jackson tree: the row travels as the JSON
 * object Harper will receive, serialized once by the reader. The writer joins these strings into
 * the upsert request as they are, so no record is parsed or serialized again on the hot path, and
 * a dead letter can carry the exact bytes Harper refused. A schema'd {@code Row} would pin one
 * table's columns into the pipeline type; a {@code JsonNode} has no coder.
 *
 * <p>The provenance fields drive the checkpoint rule (see {@code ContiguousPages}): the reader
 * numbers each non-empty page of a shard {@code pageSeq = 0, 1, 2...} and each record within it
 * {@code pageIndex = 0..pageSize-1}; a checkpoint may pass a page only when every index of it, and
 * of every page before it, is in Harper.
 *
 * @param id the primary key, or null when the source row had none (it then goes to the dead
 *     letters)
 * @param numericId whether the id column is INT64, which orders ids as numbers
 * @param json the record as one JSON object, exactly as it is sent to Harper
 */
@DefaultCoder(SyncRecordCoder.class)
public record SyncRecord(
    String id, boolean numericId, long cursorMicros, int shard, long pageSeq, int pageIndex,
    int pageSize, String json) {
  /** {@link #cursorMicros} of a row whose cursor timestamp is NULL: it is dead-lettered. */
  public static final long NO_TIMESTAMP = Long.MIN_VALUE;

  /**
   * {@link #pageSeq} of a record read outside the shard's page sequence (a trailing re-scan, or a
   * row without a timestamp). Its ack moves no checkpoint: the cursor has already passed it.
   */
  public static final long UNTRACKED_PAGE = -1;

  public SyncRecord {
    if (pageIndex < 0 || pageIndex >= pageSize) {
      throw new IllegalArgumentException(
          "pageIndex " + pageIndex + " outside page of size " + pageSize);
    }
    Objects.requireNonNull(json, "json");
  }

  /** A record of a table whose id column is a STRING. */
  public SyncRecord(String id, long cursorMicros, int shard, long pageSeq, int pageIndex,
      int pageSize, String json) {
    this(id, false, cursorMicros, shard, pageSeq, pageIndex, pageSize, json);
  }

  public Cursor cursor() {
    return Cursor.of(cursorMicros, id == null ? "" : id, numericId);
  }

  public boolean hasTimestamp() {
    return cursorMicros != NO_TIMESTAMP;
  }

  @Override
  public String toString() {
    return "SyncRecord{id=" + id + ", shard=" + shard + ", page=" + pageSeq + "#" + pageIndex
        + "/" + pageSize + ", cursorMicros=" + cursorMicros + "}";
  }
}
