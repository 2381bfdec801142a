package io.bqharpersync.checkpoint;

import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.harper.HarperTarget;
import io.bqharpersync.record.PageAck;
import io.bqharpersync.retry.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per shard (the key), turns page acks into committed checkpoints under the rule of {@link
 * ContiguousPages}, and writes each advance to {@code SyncCheckpoint} before emitting it.
 *
 * <p>The first ack a shard sees in this job loads its stored checkpoint, so page numbering and the
 * record total continue from the previous job. On a crash the state and the stored checkpoint are
 * both at or behind what Harper holds; the restarted reader re-reads from the stored cursor and
 * re-upserts, which is idempotent by primary key (at-least-once delivery, exact final content).
 */
final class CommitCheckpointsFn extends DoFn<KV<Integer, PageAck>, ShardCheckpoint> {
  private static final Logger LOG = LoggerFactory.getLogger(CommitCheckpointsFn.class);
  private final HarperTarget target;
  private final ShardLayout layout;
  private final RetryPolicy retry;
  private final Duration historyInterval;

  private final Counter commits = Metrics.counter(CommitCheckpointsFn.class, "checkpoint_commits");

  @StateId("pages")
  private final StateSpec<ValueState<ContiguousPages>> pagesSpec =
      StateSpecs.value(ContiguousPages.CODER);

  @StateId("last")
  private final StateSpec<ValueState<ShardCheckpoint>> lastSpec =
      StateSpecs.value(ShardCheckpoint.CODER);

  private transient HarperClient client;
  private transient CheckpointStore store;
  /** When each shard last added to the history, in this instance. */
  private transient Map<Integer, Instant> historyWritten;

  CommitCheckpointsFn(HarperTarget target, ShardLayout layout, RetryPolicy retry,
      Duration historyInterval) {
    this.target = target;
    this.layout = layout;
    this.retry = retry;
    this.historyInterval = historyInterval;
  }

  @Setup
  public void setup() {
    client = new HarperClient(target.connection());
    store = new CheckpointStore(client, target.database(), retry);
    historyWritten = new HashMap<>();
  }

  @ProcessElement
  public void process(
      @Element KV<Integer, PageAck> element,
      @StateId("pages") ValueState<ContiguousPages> pagesState,
      @StateId("last") ValueState<ShardCheckpoint> lastState,
      OutputReceiver<ShardCheckpoint> out) {
    int shard = element.getKey();
    ContiguousPages pages = pagesState.read();
    ShardCheckpoint last = lastState.read();
    if (pages == null) {
      Optional<ShardCheckpoint> stored = store.read(layout, shard);
      last = stored.orElse(null);
      // Kept now, not only at the first advance: an ack that completes no page leaves the stored
      // checkpoint's phase and count to the ack that does (a restart far behind a steady
      // checkpoint is catchup, not initial).
      if (last != null) {
        lastState.write(last);
      }
      pages =
          stored
              .map(c -> ContiguousPages.resumeAfter(c.pageSeq(), c.cursor(), c.recordsSynced()))
              .orElseGet(ContiguousPages::fresh);
    }
    Optional<ContiguousPages.Advance> advance = pages.accept(element.getValue());
    if (advance.isPresent()) {
      Instant now = Instant.now();
      Duration lag = Duration.ofNanos(Math.max(0, 
          Duration.between(advance.get().cursor.timestamp(), now).toNanos()));
      ShardCheckpoint next =
          new ShardCheckpoint(
              layout.syncName(), layout.partition(), layout.shards(), shard,
              advance.get().cursor, advance.get().lastPage,
              advance.get().records, SyncPhase.after(last == null ? null : last.phase(), lag), now);
      store.write(next);
      commits.inc();
      // One gauge per shard: the dashboard's lag line for it, as of its last commit.
      Metrics.gauge(CommitCheckpointsFn.class, "lag_ms_shard_" + shard).set(lag.toMillis());
      Metrics.counter(CommitCheckpointsFn.class, "records_committed").inc(
          next.recordsSynced() - (last == null ? 0 : last.recordsSynced()));
      addToHistory(next);
      lastState.write(next);
      out.output(next);
    }
    pagesState.write(pages);
  }

  /**
   * The history is for reports, not for resuming: a write it cannot make is logged and skipped,
   * never allowed to hold back the checkpoints.
   */
  private void addToHistory(ShardCheckpoint checkpoint) {
    if (historyInterval.isZero()) {
      return;
    }
    Instant last = historyWritten.get(checkpoint.shard());
    if (last != null && checkpoint.updatedAt().isBefore(last.plus(historyInterval))) {
      return;
    }
    try {
      store.writeHistory(checkpoint);
      historyWritten.put(checkpoint.shard(), checkpoint.updatedAt());
    } catch (RuntimeException e) {
      LOG.warn("progress history of {} not written: {}", checkpoint.key(), e.getMessage());
    }
  }

  @Teardown
  public void teardown() {
    if (client != null) {
      client.close();
    }
  }
}
