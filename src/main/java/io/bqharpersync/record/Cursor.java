package io.bqharpersync.record;

import java.io.Serializable;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * A position in a shard's read order, {@code (timestamp, id)}. Ordering by the pair rather than
 * the timestamp alone is what keeps rows that share a timestamp from being lost at a page
 * boundary: with {@code ts > 10:00} as the next predicate, a page that ended on the first of two
 * rows at 10:00 would never return the second; {@code (ts, id) > (10:00, "a")} does.
 */
public final class Cursor implements Comparable<Cursor>, Serializable {
  private static final long serialVersionUID = 1L;

  /** Before every row: the cursor of a shard that has read nothing. */
  public static final Cursor START = new Cursor(Long.MIN_VALUE, "");

  private static final Comparator<Cursor> ORDER =
      Comparator.comparingLong(Cursor::timestampMicros).thenComparing(Cursor::id);

  private final long timestampMicros;
  private final String id;

  private Cursor(long timestampMicros, String id) {
    this.timestampMicros = timestampMicros;
    this.id = id;
  }

  public static Cursor of(long timestampMicros, String id) {
    return new Cursor(timestampMicros, Objects.requireNonNull(id, "id"));
  }

  public long timestampMicros() {
    return timestampMicros;
  }

  public String id() {
    return id;
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
  public boolean equals(Object o) {
    return o instanceof Cursor
        && ((Cursor) o).timestampMicros == timestampMicros
        && ((Cursor) o).id.equals(id);
  }

  @Override
  public int hashCode() {
    return Objects.hash(timestampMicros, id);
  }

  @Override
  public String toString() {
    return isStart() ? "Cursor{START}" : "Cursor{" + timestamp() + ", " + id + "}";
  }
}
