package io.bqharpersync.source;

import static io.bqharpersync.options.OptionChecks.duration;
import static io.bqharpersync.options.OptionChecks.inRange;
import static io.bqharpersync.options.OptionChecks.invalid;
import static io.bqharpersync.options.OptionChecks.optionalInstant;
import static io.bqharpersync.options.OptionChecks.positiveDuration;

import io.bqharpersync.options.ShardReadOptions;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * How the table is split and how each shard paces its reads: page size, polling, the adaptive
 * query window, the trailing re-scan and how far a shard may read ahead of its commits.
 *
 * @param backfillUntil the fixed end of a backfill, or null for now minus {@code safetyLag}
 * @param maxPagesInFlight pages a shard may read ahead of its committed checkpoint; {@link
 *     Integer#MAX_VALUE} where the runner cannot run reads and commits at once
 */
public record ReadPacing(
    int shards,
    int pageRows,
    Instant backfillUntil,
    Duration safetyLag,
    Duration pollInterval,
    Duration lookback,
    Duration rescanInterval,
    Duration nullScanInterval,
    Duration readWindow,
    Duration maxReadWindow,
    int maxPagesInFlight) implements Serializable {

  /** Checks each read option on its own and their combinations. */
  public static ReadPacing from(ShardReadOptions options) {
    Duration readWindow = positiveDuration("readWindow", options.getReadWindow());
    Duration maxReadWindow = duration("maxReadWindow", options.getMaxReadWindow());
    if (maxReadWindow.compareTo(readWindow) < 0) {
      throw invalid("maxReadWindow", "must be at least --readWindow (" + options.getReadWindow()
          + "), got '" + options.getMaxReadWindow() + "'");
    }
    Duration lookback = duration("lookback", options.getLookback());
    Duration rescanInterval = positiveDuration("rescanInterval", options.getRescanInterval());
    if (!lookback.isZero() && rescanInterval.compareTo(lookback) >= 0) {
      // Otherwise a row could arrive, and slide out of the window, between two comparisons.
      throw invalid("rescanInterval", "must be shorter than --lookback (" + options.getLookback()
          + "), got '" + options.getRescanInterval() + "'");
    }
    return new ReadPacing(
        inRange("shards", options.getShards(), 1, 1024),
        inRange("pageRows", options.getPageRows(), 1, 100_000),
        optionalInstant("backfillUntil", options.getBackfillUntil()),
        duration("safetyLag", options.getSafetyLag()),
        positiveDuration("pollInterval", options.getPollInterval()),
        lookback,
        rescanInterval,
        positiveDuration("nullTimestampScanInterval", options.getNullTimestampScanInterval()),
        readWindow,
        maxReadWindow,
        inRange("maxPagesInFlight", options.getMaxPagesInFlight(), 1, 1000));
  }

  /**
   * Reads never wait for commits: for a runner that runs a bounded read to its end before the
   * writes start, where waiting would never end.
   */
  public ReadPacing withoutHoldBack() {
    return new ReadPacing(shards, pageRows, backfillUntil, safetyLag, pollInterval, lookback,
        rescanInterval, nullScanInterval, readWindow, maxReadWindow, Integer.MAX_VALUE);
  }

  /** The end of a backfill: the option, else now minus the safety lag. */
  public Instant backfillEnd(Instant now) {
    return backfillUntil != null ? backfillUntil : now.minus(safetyLag);
  }

  /** Width of the trailing re-scan's buckets: a sixtieth of the lookback, at least a second. */
  public long bucketMicros() {
    return Math.max(1_000_000L, lookback.toNanos() / 1000 / 60);
  }
}
