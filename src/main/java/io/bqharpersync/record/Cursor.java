package io.bqharpersync.record;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.BigEndianLongCoder;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;

/**
 * A position in a shard's read order, {@code (timestamp, id)}. Ordering by the pair rather than
 * the timestamp alone is what keeps rows that share a timestamp from being lost at a page
 * boundary: with {@code ts > 10:00} as the next predicate, a page that ended on the first of two
 * rows at 10:00 would never return the second; {@code (ts, id) > (10:00, "a")} does.
 *
 * <p>Ids compare as BigQuery's {@code ORDER BY} compares them: an INT64 id ({@code numericId}) as
 * a number ({@code 9 < 10}), a STRING id as text ({@code "10" < "9"}); the empty id is before
 * every id.
 */
public record Cursor(long timestampMicros, String id, boolean numericId)
    implements Comparable<Cursor>, Serializable {
  /** Before every row: the cursor of a shard that has read nothing. */
  public static final Cursor START = new Cursor(Long.MIN_VALUE, "", false);

  private static final Comparator<Cursor> ORDER =
      Comparator.comparingLong(Cursor::timestampMicros).thenComparing(Cursor::compareIds);

  public Cursor {
    Objects.requireNonNull(id, "id");
  }

  /** A cursor of a table whose id column is a STRING. */
  public static Cursor of(long timestampMicros, String id) {
    return new Cursor(timestampMicros, id, false);
  }

  public static Cursor of(long timestampMicros, String id, boolean numericId) {
    return new Cursor(timestampMicros, id, numericId);
  }

  /**
   * Either side being numeric is enough: a checkpoint stored before cursors knew their id's type
   * reads back as text, and its id is still the number's canonical text.
   */
  private static int compareIds(Cursor a, Cursor b) {
    if (a.id.isEmpty() || b.id.isEmpty()) {
      return Boolean.compare(!a.id.isEmpty(), !b.id.isEmpty());
    }
    if (a.numericId || b.numericId) {
      try {
        return Long.compare(Long.parseLong(a.id), Long.parseLong(b.id));
      } catch (NumberFormatException notANumber) {
        // Not an INT64 after all; text order is the only order left.
      }
    }
    return a.id.compareTo(b.id);
  }

  public boolean isStart() {
    return timestampMicros == Long.MIN_VALUE;
  }

  public Instant timestamp() {
    return Micros.toInstant(timestampMicros);
  }

  public static Cursor max(Cursor a, Cursor b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  @Override
  public int compareTo(Cursor other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return isStart() ? "Cursor{START}" : "Cursor{" + timestamp() + ", " + id + "}";
  }

  /** Timestamp, id, id type; deterministic, so a cursor can be part of a key or of state. */
  public static final class CursorCoder extends AtomicCoder<Cursor> {
    static final CursorCoder INSTANCE = new CursorCoder();

    @Override
    public void encode(Cursor cursor, OutputStream out) throws IOException {
      BigEndianLongCoder.of().encode(cursor.timestampMicros, out);
      StringUtf8Coder.of().encode(cursor.id, out);
      BooleanCoder.of().encode(cursor.numericId, out);
    }

    @Override
    public Cursor decode(InputStream in) throws IOException {
      return new Cursor(BigEndianLongCoder.of().decode(in), StringUtf8Coder.of().decode(in),
          BooleanCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }

  public static final CursorCoder CODER = CursorCoder.INSTANCE;
}
