package io.bqharpersync.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bqharpersync.harper.FakeHarperNode;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.harper.HarperConnection;
import io.bqharpersync.harper.HarperTarget;
import io.bqharpersync.record.Cursor;
import io.bqharpersync.record.PageAck;
import io.bqharpersync.retry.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;

/** The commit step on the DirectRunner, acks in any order, against a fake Harper node. */
class CommitCheckpointsTest {
  private static final RetryPolicy QUICK = RetryPolicy.of(1, Duration.ofMillis(10), Duration.ofSeconds(1));

  /** Page {@code page} of shard 0: ten records, a cursor per page, indices {@code from..to-1}. */
  private static PageAck ack(long page, int from, int to) {
    BitSet indices = new BitSet();
    indices.set(from, to);
    return new PageAck(0, page, 10, indices, Cursor.of(1_000_000L * (page + 1), "id-" + page));
  }

  @Test
  void acksInAnyOrderNeverCommitPastAnIncompletePage() throws Exception {
    try (FakeHarperNode node = new FakeHarperNode()) {
      HarperTarget target = new HarperTarget(
          HarperConnection.of(List.of(node.url()), "admin", "pw"), null, "data", "BigQueryData");
      // Pages 0..5, each acked in two halves, shuffled; page 2 misses its index 9.
      List<PageAck> acks = new ArrayList<>();
      for (long page = 0; page < 6; page++) {
        acks.add(ack(page, 0, 5));
        acks.add(ack(page, 5, page == 2 ? 9 : 10));
      }
      Collections.shuffle(acks, new Random(11));

      TestPipeline pipeline = TestPipeline.create().enableAbandonedNodeEnforcement(false);
      PCollection<ShardCheckpoint> committed = pipeline
          .apply(Create.of(acks).withCoder(PageAck.CODER))
          .apply(CommitCheckpoints.to(target, new ShardLayout("unit", "ID", 1), QUICK));
      PAssert.that(committed).satisfies(checkpoints -> {
        for (ShardCheckpoint checkpoint : checkpoints) {
          assertTrue(checkpoint.pageSeq() <= 1, "committed past the incomplete page 2: " + checkpoint);
        }
        return null;
      });
      pipeline.run().waitUntilFinish();

      try (HarperClient client = new HarperClient(target.connection())) {
        ShardCheckpoint stored = new CheckpointStore(client, "data", QUICK).read(new ShardLayout("unit", "ID", 1), 0)
            .orElseThrow();
        assertEquals(1, stored.pageSeq());
        assertEquals(Cursor.of(2_000_000L, "id-1"), stored.cursor());
        assertEquals(20, stored.recordsSynced());
      }
    }
  }

  /**
   * A job restarted behind its steady checkpoint (an outage longer than the steady bound) reports
   * catchup, not initial.
   */
  @Test
  void aRestartFarBehindASteadyCheckpointIsCatchup() throws Exception {
    try (FakeHarperNode node = new FakeHarperNode()) {
      HarperTarget target = new HarperTarget(
          HarperConnection.of(List.of(node.url()), "admin", "pw"), null, "data", "BigQueryData");
      ShardLayout layout = new ShardLayout("restart", "ID", 1);
      long nowMicros = System.currentTimeMillis() * 1000;
      long minute = 60_000_000L;
      try (HarperClient client = new HarperClient(target.connection())) {
        new CheckpointStore(client, "data", QUICK).write(new ShardCheckpoint("restart", "ID", 1, 0,
            Cursor.of(nowMicros - 7 * minute, "a"), 2, 30, SyncPhase.STEADY,
            java.time.Instant.now().minusSeconds(420)));
      }
      BitSet firstHalf = new BitSet();
      firstHalf.set(0, 5);
      BitSet secondHalf = new BitSet();
      secondHalf.set(5, 10);
      // The first ack completes no page: the phase is decided by a later one, which must still
      // know the stored checkpoint's phase.
      TestPipeline pipeline = TestPipeline.create().enableAbandonedNodeEnforcement(false);
      PCollection<ShardCheckpoint> committed = pipeline
          .apply(Create.of(List.of(
                  new PageAck(0, 3, 10, firstHalf, Cursor.of(nowMicros - 6 * minute, "b")),
                  new PageAck(0, 3, 10, secondHalf, Cursor.of(nowMicros - 6 * minute, "b"))))
              .withCoder(PageAck.CODER))
          .apply(CommitCheckpoints.to(target, layout, QUICK));
      PAssert.that(committed).satisfies(checkpoints -> {
        List<String> phases = new ArrayList<>();
        for (ShardCheckpoint checkpoint : checkpoints) {
          phases.add(checkpoint.pageSeq() + ":" + checkpoint.phase().label());
        }
        Collections.sort(phases);
        assertEquals(List.of("3:catchup"), phases);
        return null;
      });
      pipeline.run().waitUntilFinish();
    }
  }
}
