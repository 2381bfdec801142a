package io.bqharpersync.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bqharpersync.checkpoint.ContiguousPages;
import java.util.BitSet;
import org.apache.beam.sdk.testing.CoderProperties;
import org.junit.jupiter.api.Test;

/** A cursor orders ids as BigQuery's ORDER BY does for the id column's type. */
class CursorTest {
  private static final long T = 1_700_000_000_000_000L;

  @Test
  void int64IdsOrderAsNumbersAndStringIdsAsText() {
    assertTrue(Cursor.of(T, "9", true).compareTo(Cursor.of(T, "10", true)) < 0, "9 < 10");
    assertTrue(Cursor.of(T, "-3", true).compareTo(Cursor.of(T, "2", true)) < 0, "-3 < 2");
    assertTrue(Cursor.of(T, "10").compareTo(Cursor.of(T, "9")) < 0, "\"10\" < \"9\"");
    assertTrue(Cursor.of(T, "", true).compareTo(Cursor.of(T, "-5", true)) < 0, "no id first");
    assertTrue(Cursor.of(T, "99", true).compareTo(Cursor.of(T + 1, "1", true)) < 0, "time first");
    assertEquals(Cursor.of(T, "10", true), Cursor.max(Cursor.of(T, "9", true), Cursor.of(T, "10", true)));
  }

  @Test
  void aCheckpointReadBackAsTextStillOrdersAgainstNumbers() {
    // Stored before cursors knew their id's type: the id is the number's text.
    assertTrue(Cursor.of(T, "9").compareTo(Cursor.of(T, "10", true)) < 0);
  }

  @Test
  void theIdTypeSurvivesCodersAndTheCommitState() throws Exception {
    CoderProperties.coderDecodeEncodeEqual(Cursor.CODER, Cursor.of(T, "10", true));
    // Two pages of an INT64 table at one timestamp: the second ends on id 10, after id 9.
    ContiguousPages pages = ContiguousPages.resumeAfter(-1, Cursor.START, 0);
    pages.accept(new PageAck(0, 0, 1, bits(0), Cursor.of(T, "9", true)));
    pages.accept(new PageAck(0, 1, 1, bits(0), Cursor.of(T, "10", true)));
    assertEquals(Cursor.of(T, "10", true), pages.committedCursor());
    SyncRecord record = new SyncRecord("10", true, T, 0, 0, 0, 1, "{}");
    CoderProperties.coderDecodeEncodeEqual(SyncRecordCoder.of(), record);
    assertEquals(Cursor.of(T, "10", true), record.cursor());
  }

  private static BitSet bits(int index) {
    BitSet set = new BitSet();
    set.set(index);
    return set;
  }
}
