package io.bqharpersync.source;

import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.transforms.splittabledofn.SplitResult;

/**
 * Tracks a {@link ShardProgress}. A claim is the whole progress after a page, so a split can hand
 * the runner the exact point to resume from. Only checkpoints (fraction 0) split: a shard's rows
 * are one ordered stream, and two readers of it would race for the same cursor.
 */
final class ShardProgressTracker extends RestrictionTracker<ShardProgress, ShardProgress> {
  private ShardProgress current;

  ShardProgressTracker(ShardProgress initial) {
    this.current = initial;
  }

  @Override
  public boolean tryClaim(ShardProgress next) {
    if (current.done()) {
      return false;
    }
    current = next;
    return true;
  }

  @Override
  public ShardProgress currentRestriction() {
    return current;
  }

  @Override
  public SplitResult<ShardProgress> trySplit(double fractionOfRemainder) {
    if (fractionOfRemainder != 0 || current.done()) {
      return null;
    }
    ShardProgress residual = current;
    current = current.finished();
    return SplitResult.of(current, residual);
  }

  @Override
  public void checkDone() {
    if (!current.done()) {
      throw new IllegalStateException(
          "shard read stopped before its end without a checkpoint: " + current);
    }
  }

  @Override
  public IsBounded isBounded() {
    return current.isBounded() ? IsBounded.BOUNDED : IsBounded.UNBOUNDED;
  }
}
