package io.bqharpersync.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bqharpersync.record.Cursor;
import java.util.TreeMap;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker.IsBounded;
import org.apache.beam.sdk.transforms.splittabledofn.SplitResult;
import org.junit.jupiter.api.Test;

class ShardProgressTrackerTest {
  private static final ShardProgress START =
      ShardProgress.start(Cursor.START, 0, 1_000_000, ShardProgress.UNBOUNDED, 0);

  @Test
  void aCheckpointHandsTheRunnerTheProgressAfterTheLastClaimedPage() {
    ShardProgressTracker tracker = new ShardProgressTracker(START);
    ShardProgress afterPage0 = START.afterPage(Cursor.of(10, "a"), 2_000_000, START.rescan());
    assertTrue(tracker.tryClaim(afterPage0));

    SplitResult<ShardProgress> split = tracker.trySplit(0);

    assertEquals(afterPage0, split.getResidual());
    assertEquals(1, split.getResidual().nextPageSeq());
    assertEquals(Cursor.of(10, "a"), split.getResidual().cursor());
    assertTrue(split.getPrimary().done());
    assertFalse(tracker.tryClaim(afterPage0.afterPage(Cursor.of(20, "b"), 1, START.rescan())),
        "nothing may be claimed after a checkpoint: the residual owns the rest");
    tracker.checkDone();
  }

  @Test
  void onlyCheckpointsSplitAShard() {
    ShardProgressTracker tracker = new ShardProgressTracker(START);
    assertNull(tracker.trySplit(0.5), "a shard is one ordered stream; it is never divided");
  }

  @Test
  void aBackfillIsDoneOnlyOnceItClaimedItsEnd() {
    ShardProgress backfill = ShardProgress.start(Cursor.START, 0, 1, 5_000_000, 0);
    ShardProgressTracker tracker = new ShardProgressTracker(backfill);
    assertEquals(IsBounded.BOUNDED, tracker.isBounded());
    assertThrows(IllegalStateException.class, tracker::checkDone);
    assertTrue(tracker.tryClaim(backfill.finished()));
    tracker.checkDone();
    assertNull(tracker.trySplit(0), "a finished shard has nothing left to split off");
  }

  @Test
  void aContinuousShardIsUnbounded() {
    assertEquals(IsBounded.UNBOUNDED, new ShardProgressTracker(START).isBounded());
  }
}
