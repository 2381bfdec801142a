package io.bqharpersync.checkpoint;

import io.bqharpersync.harper.HarperTarget;
import io.bqharpersync.record.PageAck;
import io.bqharpersync.record.SyncName;
import io.bqharpersync.retry.RetryPolicy;
import java.time.Duration;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Turns write acknowledgements into committed per-shard checkpoints: keyed by shard, each shard's
 * acks go through the rule of {@link ContiguousPages}, and every advance is written to {@code
 * SyncCheckpoint} on the target before it is emitted.
 */
public final class CommitCheckpoints
    extends PTransform<PCollection<PageAck>, PCollection<ShardCheckpoint>> {
  private final HarperTarget target;
  private final ShardLayout layout;
  private final RetryPolicy retry;
  private final Duration historyInterval;

  private CommitCheckpoints(HarperTarget target, ShardLayout layout, RetryPolicy retry,
      Duration historyInterval) {
    this.target = target;
    this.layout = layout;
    this.retry = retry;
    this.historyInterval = historyInterval;
  }

  /** Checkpoints of {@code layout}'s shards in {@code target}'s database. */
  public static CommitCheckpoints to(HarperTarget target, ShardLayout layout, RetryPolicy retry) {
    if (!SyncName.isValid(layout.syncName())) {
      throw new IllegalArgumentException(
          "syncName: " + SyncName.EXPECTED + ", got '" + layout.syncName() + "'");
    }
    if (layout.shards() < 1) {
      throw new IllegalArgumentException("shards: must be >= 1, got " + layout.shards());
    }
    return new CommitCheckpoints(target, layout, retry, Duration.ZERO);
  }

  /**
   * Also adds each shard's checkpoint to the progress history ({@code SyncProgress}) at most every
   * {@code interval}; zero for none. The history is what {@code scripts/report} plots.
   */
  public CommitCheckpoints withHistoryEvery(Duration interval) {
    if (interval.isNegative()) {
      throw new IllegalArgumentException("historyInterval: must not be negative, got " + interval);
    }
    return new CommitCheckpoints(target, layout, retry, interval);
  }

  @Override
  public PCollection<ShardCheckpoint> expand(PCollection<PageAck> acks) {
    return acks
        .apply("KeyByShard", WithKeys.of(PageAck::shard).withKeyType(TypeDescriptors.integers()))
        .setCoder(KvCoder.of(VarIntCoder.of(), PageAck.CODER))
        .apply("AdvanceAndStore",
            ParDo.of(new CommitCheckpointsFn(target, layout, retry, historyInterval)))
        .setCoder(ShardCheckpoint.CODER);
  }
}
