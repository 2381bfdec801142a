package io.bqharpersync.checkpoint;

import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.harper.HarperException;
import io.bqharpersync.harper.LiveNodes;
import io.bqharpersync.harper.NodeSlots;
import io.bqharpersync.record.Cursor;
import io.bqharpersync.retry.RetryPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and writes {@code SyncCheckpoint} rows. A checkpoint is written to the node that owns its
 * key and replicates from there; it is read from every node that answers, and the newest copy
 * (the greatest page number) wins. So reading does not depend on the node count, on how the node
 * list sorts, or on a replica that lags: a lagging copy is older, never newer, and an older
 * checkpoint only makes a reader re-read rows Harper already holds.
 */
public final class CheckpointStore {
  public static final String TABLE = "SyncCheckpoint";
  /** The progress history: checkpoints as they were, one row each, expiring after 7 days. */
  public static final String HISTORY = "SyncProgress";
  private static final Comparator<ShardCheckpoint> NEWEST =
      Comparator.comparingLong(ShardCheckpoint::pageSeq).thenComparing(ShardCheckpoint::updatedAt);

  private final HarperClient client;
  private final String database;
  private final RetryPolicy retry;
  private final LiveNodes live;

  public CheckpointStore(HarperClient client, String database, RetryPolicy retry) {
    this.client = client;
    this.database = database;
    this.retry = retry;
    this.live = LiveNodes.of(client.connection().nodeCount());
  }

  /** Shard {@code shard}'s checkpoint in {@code layout}, the newest copy any node holds. */
  public Optional<ShardCheckpoint> read(ShardLayout layout, int shard) {
    List<String> keys = new ArrayList<>(List.of(layout.key(shard)));
    if (layout.partition().equals(ShardLayout.LEGACY_PARTITION)) {
      // Written before the layout had a partition in its key.
      keys.add(layout.syncName() + "/" + layout.shards() + "/" + shard);
    }
    Optional<ShardCheckpoint> newest = Optional.empty();
    HarperException unreachable = null;
    boolean answered = false;
    for (int slot = 0; slot < client.connection().nodeCount(); slot++) {
      int node = slot;
      try {
        // A node that gives no reply is skipped at once rather than retried for minutes: the
        // others hold its checkpoints, or an older copy, which is safe.
        for (var row : retry.run(() -> client.searchById(node, database, TABLE, keys),
            e -> HarperException.isRetriable(e) && !LiveNodes.isUnreachable(e), () -> {})) {
          ShardCheckpoint copy = ShardCheckpoint.fromJson(row);
          if (newest.isEmpty() || NEWEST.compare(copy, newest.get()) > 0) {
            newest = Optional.of(copy);
          }
        }
        answered = true;
      } catch (HarperException.Retriable e) {
        if (!LiveNodes.isUnreachable(e)) {
          throw e;
        }
        unreachable = e;
      }
    }
    if (!answered) {
      throw unreachable; // no node answered: "no checkpoint" would be a guess
    }
    return newest;
  }

  /** To the node that owns the key, or, while it does not answer, to another (see {@link LiveNodes}). */
  public void write(ShardCheckpoint checkpoint) {
    int owner = NodeSlots.slotOf(checkpoint.key(), client.connection().nodeCount());
    live.withRetries(owner,
        node -> client.upsert(node, database, TABLE, List.of(checkpoint.toJson())), retry, () -> {},
        (from, to) -> {});
  }

  /**
   * Adds {@code checkpoint} to the progress history, as {@code <its key>@<epoch ms of its
   * update>}; on the node that owns its key, or another while that one does not answer.
   */
  public void writeHistory(ShardCheckpoint checkpoint) {
    String id = historyId(checkpoint);
    int owner = NodeSlots.slotOf(id, client.connection().nodeCount());
    String row = checkpoint.toJson(id);
    live.withRetries(owner, node -> client.upsert(node, database, HISTORY, List.of(row)), retry,
        () -> {}, (from, to) -> {});
  }

  static String historyId(ShardCheckpoint checkpoint) {
    return checkpoint.key() + "@" + checkpoint.updatedAt().toEpochMilli();
  }

  /**
   * Where a new layout of {@code current}'s sync may start: the least cursor of the most recently
   * updated other layout whose every shard has a checkpoint. Every row before it, in any shard of
   * that layout, is in Harper, so it is before every unread row whatever the new split. Empty when
   * there is no such layout: the new one reads from the start.
   */
  public Optional<Cursor> floorOfOtherLayouts(ShardLayout current) {
    Map<ShardLayout, Map<Integer, ShardCheckpoint>> layouts = new HashMap<>();
    for (int slot = 0; slot < client.connection().nodeCount(); slot++) {
      int node = slot;
      try {
        client.scan(node, database, TABLE, "id", current.syncName() + "/", 1000, row -> {
          ShardCheckpoint copy = ShardCheckpoint.fromJson(row);
          if (copy.syncName().equals(current.syncName()) && !copy.layout().equals(current)) {
            layouts.computeIfAbsent(copy.layout(), l -> new HashMap<>())
                .merge(copy.shard(), copy, (a, b) -> NEWEST.compare(a, b) >= 0 ? a : b);
          }
        });
      } catch (HarperException.Retriable e) {
        // Another node holds the same rows.
      }
    }
    return layouts.entrySet().stream()
        .filter(layout -> layout.getValue().size() == layout.getKey().shards())
        .max(Comparator.comparing(layout -> latestUpdate(layout.getValue())))
        .map(layout -> layout.getValue().values().stream().map(ShardCheckpoint::cursor)
            .min(Comparator.naturalOrder()).orElse(Cursor.START));
  }

  private static java.time.Instant latestUpdate(Map<Integer, ShardCheckpoint> shards) {
    return shards.values().stream().map(ShardCheckpoint::updatedAt)
        .max(Comparator.naturalOrder()).orElse(java.time.Instant.EPOCH);
  }
}
