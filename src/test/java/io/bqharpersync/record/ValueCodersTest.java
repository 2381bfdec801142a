package io.bqharpersync.record;

import io.bqharpersync.checkpoint.ContiguousPages;
import io.bqharpersync.checkpoint.ShardCheckpoint;
import io.bqharpersync.checkpoint.SyncPhase;
import io.bqharpersync.source.BucketDigest;
import io.bqharpersync.source.RescanState;
import io.bqharpersync.source.ShardProgress;
import java.time.Instant;
import java.util.BitSet;
import java.util.TreeMap;
import org.apache.beam.sdk.testing.CoderProperties;
import org.junit.jupiter.api.Test;

/** Every value the pipeline ships or keeps as state comes back equal from its coder. */
class ValueCodersTest {
  private static final Cursor CURSOR = Cursor.of(1_704_067_200_123_456L, "device-7/ü");

  @Test
  void cursorsAndAcksRoundTrip() throws Exception {
    CoderProperties.coderDecodeEncodeEqual(Cursor.CODER, CURSOR);
    CoderProperties.coderDecodeEncodeEqual(Cursor.CODER, Cursor.START);
    BitSet indices = new BitSet();
    indices.set(3, 700);
    indices.set(9_999);
    CoderProperties.coderDecodeEncodeEqual(PageAck.CODER, new PageAck(5, 1L << 40, 10_000, indices, CURSOR));
    CoderProperties.coderDecodeEncodeEqual(PageAck.CODER, new PageAck(0, 0, 1, new BitSet(), Cursor.START));
  }

  @Test
  void checkpointsRoundTripToTheNanosecond() throws Exception {
    CoderProperties.coderDecodeEncodeEqual(ShardCheckpoint.CODER, new ShardCheckpoint("sync.a-1", "TIMESTAMP_MICROS", 16, 15,
        CURSOR, 123_456_789L, 9_876_543_210L, SyncPhase.CATCHUP, Instant.ofEpochSecond(1_800_000_000L, 123_456_789)));
  }

  @Test
  void readerProgressRoundTripsWithItsDigests() throws Exception {
    TreeMap<Long, BucketDigest> digests = new TreeMap<>();
    digests.put(-5L, new BucketDigest(3, Long.MIN_VALUE));
    digests.put(1_704_067_200L, BucketDigest.EMPTY.plus("a").plus("b"));
    TreeMap<Long, RescanState.PendingBucket> pending = new TreeMap<>();
    pending.put(7L, new RescanState.PendingBucket(new BucketDigest(2, 9), 8_000_000L,
        Cursor.of(7_000_000L, ""), new BucketDigest(1, 3), new BucketDigest(4, -5)));
    ShardProgress progress = ShardProgress.start(CURSOR, 42, 3_600_000_000L, ShardProgress.UNBOUNDED, 77)
        .afterRescan(new RescanState(digests, 1_000, pending, -1, 2_000, "after-id",
            new BucketDigest(2, 77)), 1);
    CoderProperties.coderDecodeEncodeEqual(ShardProgress.CODER, progress);
    CoderProperties.coderDecodeEncodeEqual(ShardProgress.CODER, progress.finished());
  }

  @Test
  void commitStateRoundTripsWithPendingPages() throws Exception {
    ContiguousPages pages = ContiguousPages.resumeAfter(9, CURSOR, 500);
    BitSet half = new BitSet();
    half.set(0, 50);
    pages.accept(new PageAck(0, 11, 100, half, Cursor.of(CURSOR.timestampMicros() + 5, "z")));
    pages.accept(new PageAck(0, 12, 7, half, CURSOR));
    CoderProperties.coderDecodeEncodeEqual(ContiguousPages.CODER, pages);
    CoderProperties.coderDecodeEncodeEqual(ContiguousPages.CODER, ContiguousPages.fresh());
  }
}
