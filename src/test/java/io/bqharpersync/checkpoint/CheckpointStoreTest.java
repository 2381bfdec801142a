package io.bqharpersync.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bqharpersync.harper.FakeHarperNode;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.harper.HarperConnection;
import io.bqharpersync.harper.HarperException;
import io.bqharpersync.record.Cursor;
import io.bqharpersync.retry.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Checkpoints read the same whatever the node list, and a new layout starts at the old floor. */
class CheckpointStoreTest {
  private static final RetryPolicy QUICK = RetryPolicy.of(1, Duration.ofMillis(5), Duration.ofSeconds(1));
  private final ShardLayout fourShards = new ShardLayout("orders", "TIMESTAMP_MICROS", 4);
  private FakeHarperNode a;
  private FakeHarperNode b;
  private FakeHarperNode c;

  @BeforeEach
  void start() throws Exception {
    a = new FakeHarperNode();
    b = new FakeHarperNode();
    c = new FakeHarperNode();
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
    c.close();
  }

  private CheckpointStore store(FakeHarperNode... nodes) {
    List<String> urls = java.util.Arrays.stream(nodes).map(FakeHarperNode::url).toList();
    return new CheckpointStore(new HarperClient(HarperConnection.of(urls, "u", "p")), "data", QUICK);
  }

  private ShardCheckpoint checkpoint(ShardLayout layout, int shard, long micros, long page) {
    return new ShardCheckpoint(layout.syncName(), layout.partition(), layout.shards(), shard,
        Cursor.of(micros, "id-" + micros), page, page * 10, SyncPhase.STEADY,
        Instant.ofEpochSecond(1_000 + page));
  }

  @Test
  void aCheckpointReadsTheSameWhateverTheNodeCountOrOrder() {
    store(a, b).write(checkpoint(fourShards, 3, 5_000, 7));

    for (CheckpointStore reader : List.of(store(a, b), store(b, a), store(c, b, a), store(a, b, c))) {
      assertEquals(Cursor.of(5_000, "id-5000"), reader.read(fourShards, 3).orElseThrow().cursor());
    }
  }

  @Test
  void theNewestCopyWinsWhenAReplicaLags() {
    // Node b still holds an older copy that replication has not yet overwritten.
    store(a).write(checkpoint(fourShards, 0, 9_000, 12));
    store(b).write(checkpoint(fourShards, 0, 2_000, 3));

    assertEquals(12, store(b, a).read(fourShards, 0).orElseThrow().pageSeq());
  }

  @Test
  void aNodeThatDoesNotAnswerIsSkippedAndOnlyNoAnswerAtAllIsAnError() {
    store(a).write(checkpoint(fourShards, 1, 4_000, 2));
    c.close();
    assertEquals(2, store(c, a, b).read(fourShards, 1).orElseThrow().pageSeq());
    assertTrue(store(c, b).read(fourShards, 2).isEmpty(), "b answered: there is no checkpoint");
    assertThrows(HarperException.Retriable.class, () -> store(c).read(fourShards, 2),
        "no node answered: nothing can be said");
  }

  @Test
  void aNewLayoutStartsAtTheLeastCursorOfTheLastCompleteOne() {
    CheckpointStore store = store(a, b, c);
    ShardLayout twoShards = new ShardLayout("orders", "TIMESTAMP_STRING", 2);
    store.write(checkpoint(twoShards, 0, 1_000, 1));
    store.write(checkpoint(twoShards, 1, 1_500, 1));
    for (int shard = 0; shard < 4; shard++) {
      store.write(checkpoint(fourShards, shard, 7_000 + shard, 5));
    }
    // Another sync's checkpoints and an incomplete layout count for nothing.
    store.write(checkpoint(new ShardLayout("orders2", "TIMESTAMP_MICROS", 1), 0, 99_000, 9));
    store.write(checkpoint(new ShardLayout("orders", "ID", 3), 0, 50_000, 9));

    ShardLayout eightShards = new ShardLayout("orders", "TIMESTAMP_MICROS", 8);
    assertEquals(Optional.of(Cursor.of(7_000, "id-7000")), store.floorOfOtherLayouts(eightShards));
    assertTrue(store.read(eightShards, 0).isEmpty());
    assertTrue(store(a).floorOfOtherLayouts(new ShardLayout("fresh", "ID", 2)).isEmpty());
  }
}
