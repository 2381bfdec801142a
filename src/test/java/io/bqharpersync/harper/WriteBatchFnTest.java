package io.bqharpersync.harper;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bqharpersync.record.PageAck;
import io.bqharpersync.record.Cursor;
import io.bqharpersync.record.SyncRecord;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class WriteBatchFnTest {
  @Test
  void acksEachPageOfTheRequestAndNothingForRowsReadBehindTheCursor() {
    List<SyncRecord> request = List.of(
        new SyncRecord("a", 10, 2, 7, 0, 3, "{}"),
        new SyncRecord("c", 12, 2, 7, 2, 3, "{}"),
        new SyncRecord("late", 5, 2, SyncRecord.UNTRACKED_PAGE, 0, 1, "{}"));

    List<PageAck> acks = WriteBatchFn.acksFor(request);

    BitSet indices = new BitSet();
    indices.set(0);
    indices.set(2);
    assertEquals(List.of(new PageAck(2, 7, 3, indices, Cursor.of(12, "c"))), acks);
  }
}
