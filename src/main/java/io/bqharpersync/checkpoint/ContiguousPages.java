package io.bqharpersync.checkpoint;

import io.bqharpersync.record.Cursor;
import io.bqharpersync.record.PageAck;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.BitSet;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * The checkpoint rule for one shard, as a pure state machine.
 *
 * <p><b>Invariant.</b> Let pages 0, 1, 2... be the non-empty pages the reader produced for the
 * shard, in read order. A page is either a page of the shard's read order, every cursor in it
 * greater than every cursor in the pages before it, or a re-scanned page, every cursor in it at or
 * behind the cursor the shard had read up to when it was read. The committed position is (p, C)
 * only if every record of pages 0..p is durably handled, and C is the greatest cursor in those
 * pages. Hence a reader that restarts from C, with a strict {@code (ts, id) > C} predicate,
 * re-reads nothing it needs to skip and skips nothing it needs. The record count grows only by
 * pages that move C: a re-scanned page re-sends rows already counted.
 *
 * <p>How it holds when acks arrive out of order or a write fails after a later one succeeded:
 * acks for pages beyond the first incomplete page are held, not committed. Page p+1 being complete
 * moves nothing while page p still misses an index; once p completes, p and p+1 commit together.
 * Acks are index sets, so duplicates are harmless. Acks for pages already committed are ignored.
 */
public final class ContiguousPages {
  private long nextPage;
  private Cursor committedCursor;
  private long committedRecords;
  private final TreeMap<Long, Pending> pending = new TreeMap<>();

  private static final class Pending {
    final int size;
    final BitSet done = new BitSet();
    Cursor maxCursor = Cursor.START;

    Pending(int size) {
      this.size = size;
    }

    boolean complete() {
      return done.cardinality() >= size;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Pending && ((Pending) o).size == size && ((Pending) o).done.equals(done)
          && ((Pending) o).maxCursor.equals(maxCursor);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(size, done, maxCursor);
    }
  }

  /** A shard with nothing committed yet. */
  public static ContiguousPages fresh() {
    return resumeAfter(-1, Cursor.START, 0);
  }

  /** A shard whose pages up to {@code lastPage} are committed, at {@code cursor}. */
  public static ContiguousPages resumeAfter(long lastPage, Cursor cursor, long records) {
    ContiguousPages pages = new ContiguousPages();
    pages.nextPage = lastPage + 1;
    pages.committedCursor = cursor;
    pages.committedRecords = records;
    return pages;
  }

  /** Advance that an ack caused: the last page now committed, its cursor and records so far. */
  public static final class Advance {
    public final long lastPage;
    public final Cursor cursor;
    public final long records;

    Advance(long lastPage, Cursor cursor, long records) {
      this.lastPage = lastPage;
      this.cursor = cursor;
      this.records = records;
    }
  }

  /**
   * Records an ack. Returns the new committed position if the ack completed the first incomplete
   * page (and perhaps pages after it), otherwise empty.
   */
  public Optional<Advance> accept(PageAck ack) {
    if (ack.pageSeq() < nextPage) {
      return Optional.empty();
    }
    Pending page = pending.computeIfAbsent(ack.pageSeq(), seq -> new Pending(ack.pageSize()));
    if (page.size != ack.pageSize()) {
      throw new IllegalStateException(
          "page " + ack.pageSeq() + " of shard " + ack.shard() + " acked with size "
              + ack.pageSize() + " but earlier with " + page.size);
    }
    page.done.or(ack.indices());
    page.maxCursor = Cursor.max(page.maxCursor, ack.maxCursor());

    boolean advanced = false;
    while (pending.containsKey(nextPage) && pending.get(nextPage).complete()) {
      Pending done = pending.remove(nextPage);
      // A page of rows behind the cursor (a re-scan) re-sends rows already counted.
      if (done.maxCursor.compareTo(committedCursor) > 0) {
        committedRecords += done.size;
      }
      committedCursor = Cursor.max(committedCursor, done.maxCursor);
      nextPage++;
      advanced = true;
    }
    return advanced
        ? Optional.of(new Advance(nextPage - 1, committedCursor, committedRecords))
        : Optional.empty();
  }

  public long nextPage() {
    return nextPage;
  }

  public Cursor committedCursor() {
    return committedCursor;
  }

  // The DirectRunner compares state by equals to find mutations; without it, it warns on every run.
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ContiguousPages)) {
      return false;
    }
    ContiguousPages p = (ContiguousPages) o;
    return nextPage == p.nextPage && committedCursor.equals(p.committedCursor)
        && committedRecords == p.committedRecords && pending.equals(p.pending);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(nextPage, committedCursor, committedRecords);
  }

  /** Pages acked at least in part but not committed, for metrics and tests. */
  public int pendingPages() {
    return pending.size();
  }

  /** The committed position, then each pending page as (page, size, acked indices, max cursor). */
  public static final class ContiguousPagesCoder extends AtomicCoder<ContiguousPages> {
    @Override
    public void encode(ContiguousPages pages, OutputStream out) throws IOException {
      VarLongCoder.of().encode(pages.nextPage, out);
      Cursor.CODER.encode(pages.committedCursor, out);
      VarLongCoder.of().encode(pages.committedRecords, out);
      VarIntCoder.of().encode(pages.pending.size(), out);
      for (Map.Entry<Long, Pending> page : pages.pending.entrySet()) {
        VarLongCoder.of().encode(page.getKey(), out);
        VarIntCoder.of().encode(page.getValue().size, out);
        ByteArrayCoder.of().encode(page.getValue().done.toByteArray(), out);
        Cursor.CODER.encode(page.getValue().maxCursor, out);
      }
    }

    @Override
    public ContiguousPages decode(InputStream in) throws IOException {
      ContiguousPages pages = resumeAfter(VarLongCoder.of().decode(in) - 1,
          Cursor.CODER.decode(in), VarLongCoder.of().decode(in));
      for (int i = VarIntCoder.of().decode(in); i > 0; i--) {
        long seq = VarLongCoder.of().decode(in);
        Pending page = new Pending(VarIntCoder.of().decode(in));
        page.done.or(BitSet.valueOf(ByteArrayCoder.of().decode(in)));
        page.maxCursor = Cursor.CODER.decode(in);
        pages.pending.put(seq, page);
      }
      return pages;
    }
  }

  public static final ContiguousPagesCoder CODER = new ContiguousPagesCoder();
}
