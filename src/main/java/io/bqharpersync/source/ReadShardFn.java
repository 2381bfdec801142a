package io.bqharpersync.source;

import io.bqharpersync.checkpoint.CheckpointStore;
import io.bqharpersync.checkpoint.ShardCheckpoint;
import io.bqharpersync.checkpoint.ShardLayout;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.harper.HarperException;
import io.bqharpersync.harper.HarperTarget;
import io.bqharpersync.record.Cursor;
import io.bqharpersync.record.Micros;
import io.bqharpersync.record.SyncRecord;
import io.bqharpersync.record.SyncVersion;
import io.bqharpersync.retry.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;

/**
 * Reads one shard (the element) page by page, as a splittable DoFn whose restriction is the
 * shard's {@link ShardProgress}.
 *
 * <p>Why a splittable DoFn rather than a stateful one with timers: each call reads one page,
 * claims the progress after it, emits its rows and returns {@code resume()}, so the runner
 * checkpoints the cursor between pages and output flows downstream page by page (a loop over a
 * whole shard would hold it all until the bundle ended). The same code serves a backfill, which
 * ends when a page up to its fixed end comes back empty, and a continuous sync, which resumes
 * after {@code pollInterval} once caught up. The first restriction comes from the shard's committed
 * {@code SyncCheckpoint}, so a new job continues where the last one stopped, with the same page
 * numbering the checkpoint rule expects.
 *
 * <p>Between pages a shard also takes the steps of its {@link LateRowScan}: rows that appeared
 * behind its cursor, and (shard 0) rows without a timestamp, which go to the dead letters.
 */
public abstract class ReadShardFn extends DoFn<Integer, SyncRecord> {
  /** A backfill: every shard read up to a fixed end, then done. */
  @BoundedPerElement
  public static final class Backfill extends ReadShardFn {
    Backfill(ShardLayout layout, SourceTable source, ReadPacing pacing, HarperTarget checkpoints,
        Instant end, RetryPolicy retry) {
      super(layout, source, pacing, checkpoints, end, retry);
    }
  }

  /** A continuous sync: every shard polled without end. */
  @UnboundedPerElement
  public static final class Continuous extends ReadShardFn {
    Continuous(ShardLayout layout, SourceTable source, ReadPacing pacing, HarperTarget checkpoints,
        RetryPolicy retry) {
      super(layout, source, pacing, checkpoints, null, retry);
    }
  }

  /** Shards read up to {@code end}, then done. */
  public static ReadShardFn backfill(ShardLayout layout, SourceTable source, ReadPacing pacing,
      HarperTarget checkpoints, Instant end, RetryPolicy retry) {
    return new Backfill(layout, source, pacing, checkpoints, java.util.Objects.requireNonNull(end),
        retry);
  }

  /** Shards polled without end. */
  public static ReadShardFn continuous(ShardLayout layout, SourceTable source, ReadPacing pacing,
      HarperTarget checkpoints, RetryPolicy retry) {
    return new Continuous(layout, source, pacing, checkpoints, retry);
  }

  /** How long a shard that is too far ahead of its commits waits before it looks again. */
  private static final org.joda.time.Duration HOLD_BACK = org.joda.time.Duration.millis(100);
  private static final RetryPolicy COMMITS_SEEN_RETRY =
      RetryPolicy.of(1, Duration.ofMillis(100), Duration.ofSeconds(1));

  private final ShardLayout layout;
  private final SourceTable source;
  private final ReadPacing pacing;
  private final HarperTarget checkpointTarget;
  /** The fixed end of a backfill; null for a continuous read. */
  private final Instant end;
  private final RetryPolicy retry;

  private final Counter pagesRead = Metrics.counter(ReadShardFn.class, "pages_read");
  private final Counter rowsRead = Metrics.counter(ReadShardFn.class, "rows_read");
  private final Counter rescannedRows = Metrics.counter(ReadShardFn.class, "rescanned_rows");
  private final Counter rescannedBuckets = Metrics.counter(ReadShardFn.class, "rescanned_buckets");
  private final Counter rescanComparisons = Metrics.counter(ReadShardFn.class, "rescan_comparisons");
  private final Counter nullTimestampRows = Metrics.counter(ReadShardFn.class, "null_timestamp_rows");
  private final Counter queryRetries = Metrics.counter(ReadShardFn.class, "bigquery_retries");
  private final Counter heldBack = Metrics.counter(ReadShardFn.class, "reads_held_back");
  private final Counter commitsUnseen = Metrics.counter(ReadShardFn.class, "commits_unreadable");

  private final LateRowScan lateRows;

  private transient BigQueryShardReader reader;
  private transient HarperClient harper;
  private transient CheckpointStore checkpoints;
  /** The same store, asked once per hold-back check: a pacing hint is not worth a long retry. */
  private transient CheckpointStore commitsSeen;
  /** Per shard, the last committed page seen in Harper; commits only move forward. */
  private transient Map<Integer, Long> committedPages;

  private ReadShardFn(ShardLayout layout, SourceTable source, ReadPacing pacing,
      HarperTarget checkpointTarget, Instant end, RetryPolicy retry) {
    this.layout = layout;
    this.source = source;
    this.pacing = pacing;
    this.checkpointTarget = checkpointTarget;
    this.end = end;
    this.retry = retry;
    this.lateRows = new LateRowScan(end == null, pacing);
  }

  @Setup
  public void setup() {
    if (reader == null) {
      reader = new BigQueryShardReader(source.client(), retry, queryRetries::inc);
      harper = new HarperClient(checkpointTarget.connection());
      checkpoints = new CheckpointStore(harper, checkpointTarget.database(), retry);
      commitsSeen = new CheckpointStore(harper, checkpointTarget.database(), COMMITS_SEEN_RETRY);
      committedPages = new HashMap<>();
    }
  }

  @Teardown
  public void teardown() {
    if (harper != null) {
      harper.close();
      harper = null;
      reader = null;
    }
  }

  @GetInitialRestriction
  public ShardProgress initialProgress(@Element Integer shard) {
    setup();
    Optional<ShardCheckpoint> stored = checkpoints.read(layout, shard);
    // A shard new to this layout (the shard count or the partition expression changed) starts
    // where the last complete layout left off, not from the start of the table.
    Cursor from = stored.map(ShardCheckpoint::cursor)
        .orElseGet(() -> checkpoints.floorOfOtherLayouts(layout).orElse(Cursor.START));
    long nextPage = stored.map(c -> c.pageSeq() + 1).orElse(0L);
    long endMicros = end == null ? ShardProgress.UNBOUNDED : Micros.of(end);
    return ShardProgress.start(from, nextPage, pacing.readWindow().toNanos() / 1000, endMicros,
        System.currentTimeMillis());
  }

  @NewTracker
  public ShardProgressTracker newTracker(@Restriction ShardProgress progress) {
    return new ShardProgressTracker(progress);
  }

  @GetRestrictionCoder
  public Coder<ShardProgress> restrictionCoder() {
    return ShardProgress.CODER;
  }

  @ProcessElement
  public ProcessContinuation process(
      @Element Integer shard,
      RestrictionTracker<ShardProgress, ShardProgress> tracker,
      OutputReceiver<SyncRecord> out) {
    ShardQuery query = source.shardQuery(shard, pacing.shards());
    ShardProgress progress = tracker.currentRestriction();
    if (progress.done()) {
      return ProcessContinuation.stop();
    }
    // Re-scanned pages count against the pages in flight as the shard's own pages do.
    if (pacing.maxPagesInFlight() != Integer.MAX_VALUE
        && pagesInFlight(shard, progress) >= pacing.maxPagesInFlight()) {
      heldBack.inc();
      return ProcessContinuation.resume().withResumeDelay(HOLD_BACK);
    }
    long now = System.currentTimeMillis();
    if (lateRows.due(shard, progress, now)) {
      LateRowScan.Step step = lateRows.step(reader, shard, query, progress, now);
      if (!tracker.tryClaim(step.progress())) {
        return ProcessContinuation.stop();
      }
      if (step.tracked()) {
        emit(shard, progress.nextPageSeq(), step.rows(), out);
        rescannedRows.inc(step.rows().size());
      } else {
        emit(shard, SyncRecord.UNTRACKED_PAGE, step.rows(), out);
        nullTimestampRows.inc(step.rows().size());
      }
      if (step.bucketCompared()) {
        rescanComparisons.inc();
        rescannedBuckets.inc(step.progress().rescan().pending().size());
      }
      return ProcessContinuation.resume();
    }
    return pageStep(shard, query, progress, tracker, out);
  }

  /** Reads the next page of the shard's sequence, claims the progress after it, emits it. */
  private ProcessContinuation pageStep(
      int shard, ShardQuery query, ShardProgress progress,
      RestrictionTracker<ShardProgress, ShardProgress> tracker, OutputReceiver<SyncRecord> out) {
    Instant hardLimit = progress.isBounded()
        ? Micros.toInstant(progress.endMicros()) : Instant.now().minus(pacing.safetyLag());
    ReadWindow window = ReadWindow.resume(pacing.readWindow(), pacing.maxReadWindow(),
        Duration.ofNanos(progress.windowMicros() * 1000));
    List<SourceRow> rows = progress.cursor().isStart()
        || progress.cursor().timestamp().isBefore(hardLimit)
        ? reader.nextPage(query, progress.cursor(), hardLimit, pacing.pageRows(), window)
        : List.of();
    long width = window.width().toNanos() / 1000;
    if (rows.isEmpty()) {
      if (progress.isBounded()) {
        tracker.tryClaim(progress.withWindow(width).finished());
        return ProcessContinuation.stop();
      }
      if (!tracker.tryClaim(progress.withWindow(width))) {
        return ProcessContinuation.stop();
      }
      return ProcessContinuation.resume().withResumeDelay(joda(pacing.pollInterval()));
    }
    boolean caughtUp = rows.size() < pacing.pageRows();
    rows = reader.withEveryNullIdRowAtItsEnd(query, rows, pacing.pageRows());
    ShardProgress next = progress.afterPage(rows.get(rows.size() - 1).cursor(), width,
        lateRows.fold(progress.rescan(), progress.cursor(), rows));
    if (!tracker.tryClaim(next)) {
      return ProcessContinuation.stop();
    }
    emit(shard, progress.nextPageSeq(), rows, out);
    pagesRead.inc();
    rowsRead.inc(rows.size());
    return caughtUp && !progress.isBounded()
        ? ProcessContinuation.resume().withResumeDelay(joda(pacing.pollInterval()))
        : ProcessContinuation.resume();
  }

  /** Pages of this shard read but not yet committed. */
  private long pagesInFlight(int shard, ShardProgress progress) {
    // A commit seen once stays true, so Harper is asked only when the last one seen is too far back.
    long committed = committedPages.getOrDefault(shard, -1L);
    if (progress.nextPageSeq() - committed - 1 >= pacing.maxPagesInFlight()) {
      try {
        committed = commitsSeen.read(layout, shard)
            .map(ShardCheckpoint::pageSeq).orElse(-1L);
      } catch (HarperException e) {
        // No node answers: nothing can commit either, so the shard holds back and asks again,
        // without blocking a worker thread that other shards and tables need.
        commitsUnseen.inc();
        return pacing.maxPagesInFlight();
      }
      committedPages.put(shard, committed);
    }
    return progress.nextPageSeq() - committed - 1;
  }

  private void emit(int shard, long pageSeq, List<SourceRow> rows, OutputReceiver<SyncRecord> out) {
    for (int i = 0; i < rows.size(); i++) {
      SourceRow row = rows.get(i);
      long micros = row.timestampMicros() == null ? SyncRecord.NO_TIMESTAMP : row.timestampMicros();
      // The version decides, in Harper, whether this row may replace the one stored for its key.
      String json = row.timestampMicros() == null ? row.json().toString()
          : SyncVersion.stampedJson(row.json(), micros);
      out.output(new SyncRecord(row.id(), row.numericId(), micros, shard, pageSeq, i, rows.size(),
          json));
    }
  }

  private static org.joda.time.Duration joda(Duration duration) {
    return org.joda.time.Duration.millis(duration.toMillis());
  }
}
