package io.bqharpersync.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bqharpersync.record.Cursor;
import io.bqharpersync.record.PageAck;
import java.util.BitSet;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContiguousPagesTest {
  private static PageAck ack(long page, int size, int fromIndex, int toIndex, long maxMicros) {
    BitSet indices = new BitSet();
    indices.set(fromIndex, toIndex);
    return new PageAck(7, page, size, indices, Cursor.of(maxMicros, "id-" + maxMicros));
  }

  @Test
  void completePagesInOrderAdvanceOneByOne() {
    ContiguousPages pages = ContiguousPages.fresh();
    ContiguousPages.Advance first = pages.accept(ack(0, 3, 0, 3, 100)).orElseThrow();
    assertEquals(0, first.lastPage);
    assertEquals(Cursor.of(100, "id-100"), first.cursor);
    assertEquals(3, first.records);
    ContiguousPages.Advance second = pages.accept(ack(1, 2, 0, 2, 200)).orElseThrow();
    assertEquals(1, second.lastPage);
    assertEquals(5, second.records);
  }

  @Test
  void laterPagesWaitForAnEarlierIncompletePage() {
    ContiguousPages pages = ContiguousPages.fresh();
    // Page 0 is split over two batches; its second half is late (or its write failed).
    assertEquals(Optional.empty(), pages.accept(ack(0, 4, 0, 2, 90)).map(a -> a.lastPage));
    assertFalse(pages.accept(ack(1, 4, 0, 4, 200)).isPresent());
    assertFalse(pages.accept(ack(2, 4, 0, 4, 300)).isPresent());
    assertEquals(Cursor.START, pages.committedCursor());
    assertEquals(3, pages.pendingPages());

    ContiguousPages.Advance all = pages.accept(ack(0, 4, 2, 4, 100)).orElseThrow();
    assertEquals(2, all.lastPage);
    assertEquals(Cursor.of(300, "id-300"), all.cursor);
    assertEquals(12, all.records);
    assertEquals(0, pages.pendingPages());
  }

  @Test
  void duplicateAcksCannotCompleteAPage() {
    ContiguousPages pages = ContiguousPages.fresh();
    pages.accept(ack(0, 4, 0, 2, 100));
    assertFalse(pages.accept(ack(0, 4, 0, 2, 100)).isPresent(), "same half twice is still half");
    assertTrue(pages.accept(ack(0, 4, 2, 4, 100)).isPresent());
  }

  @Test
  void acksOfCommittedPagesAreIgnored() {
    ContiguousPages pages = ContiguousPages.resumeAfter(4, Cursor.of(500, "x"), 50);
    assertFalse(pages.accept(ack(3, 1, 0, 1, 400)).isPresent());
    ContiguousPages.Advance next = pages.accept(ack(5, 1, 0, 1, 600)).orElseThrow();
    assertEquals(5, next.lastPage);
    assertEquals(51, next.records);
  }

  @Test
  void cursorIsTheGreatestOfThePageNotOfTheLastAck() {
    ContiguousPages pages = ContiguousPages.fresh();
    pages.accept(ack(0, 2, 1, 2, 150));
    ContiguousPages.Advance done = pages.accept(ack(0, 2, 0, 1, 120)).orElseThrow();
    assertEquals(Cursor.of(150, "id-150"), done.cursor);
  }

  @Test
  void aPageAckedWithTwoSizesIsAnError() {
    ContiguousPages pages = ContiguousPages.fresh();
    pages.accept(ack(0, 4, 0, 1, 100));
    assertThrows(IllegalStateException.class, () -> pages.accept(ack(0, 5, 1, 2, 100)));
  }
}
