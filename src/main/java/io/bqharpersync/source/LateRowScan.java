package io.bqharpersync.source;

import io.bqharpersync.record.Cursor;
import io.bqharpersync.record.Micros;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trailing re-scan of one shard, which finds rows that appeared behind the shard's cursor.
 *
 * <p>The lookback window behind the cursor is cut into buckets of {@code bucketMicros}. As the
 * reader reads pages it folds each row into its bucket's {@link BucketDigest}; when a comparison is
 * due, one query asks BigQuery for the same digests over the window (scanning only the id and
 * timestamp columns). Every bucket whose digests differ is remembered in the shard's state and
 * re-read, a page at a time, before anything else the shard does; the re-read pages are numbered in
 * the shard's page sequence, so they count against {@code --maxPagesInFlight} and the checkpoint
 * waits for them. A remembered bucket is re-read whatever the cursor does meanwhile: none slides
 * out of the window unchecked. Harper keeps the newest row of each key, so re-sending rows it
 * already has costs a comparison, never correctness.
 *
 * <p>When the comparison is due: at the start of every job, behind the shard's starting checkpoint
 * (a new job has no digests, so it re-reads its lookback window once, and so catches rows that
 * arrived while no job ran), then, in a continuous sync, every {@code rescanInterval}. The bucket
 * holding the cursor is compared too once the shard has caught up, up to the cursor's timestamp:
 * before that, its rows past the cursor are the page reads' to find.
 *
 * <p>Shard 0 also looks after rows whose cursor timestamp is NULL, which no shard query can
 * match: it counts them (once in a backfill, every {@code nullScanInterval} in a continuous sync)
 * and, when the count changed, reads them a page at a time to be dead-lettered. On a table
 * partitioned by the cursor column the count reads only the NULL partition; on an unpartitioned one
 * it scans the whole column, hence its own, longer interval.
 */
final class LateRowScan implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(LateRowScan.class);

  /**
   * What one step read, and the progress to claim before emitting it.
   *
   * @param tracked whether {@code rows} are a page of the shard's sequence (numbered {@code
   *     progress.nextPageSeq() - 1}) rather than rows outside it (NULL timestamps)
   */
  record Step(ShardProgress progress, List<SourceRow> rows, boolean tracked, boolean bucketCompared) {}

  private final boolean continuous;
  private final boolean enabled;
  private final long bucketMicros;
  private final long lookbackMicros;
  private final long intervalMillis;
  private final long nullScanMillis;
  private final int pageRows;

  /**
   * @param continuous false for a backfill, which compares once, behind its starting checkpoint,
   *     and counts NULL rows once; with a lookback of zero only NULL rows are looked for
   */
  LateRowScan(boolean continuous, ReadPacing pacing) {
    this.continuous = continuous;
    this.enabled = !pacing.lookback().isZero();
    this.bucketMicros = pacing.bucketMicros();
    this.lookbackMicros = pacing.lookback().toNanos() / 1000;
    this.intervalMillis = pacing.rescanInterval().toMillis();
    this.nullScanMillis = pacing.nullScanInterval().toMillis();
    this.pageRows = pacing.pageRows();
  }

  boolean due(int shard, ShardProgress progress, long nowMillis) {
    RescanState rescan = progress.rescan();
    return !rescan.pending().isEmpty()
        || (enabled && nowMillis >= rescan.nextRescanMillis())
        || (shard == 0 && (rescan.nullScanAfter() != null || nowMillis >= rescan.nextNullScanMillis()));
  }

  /**
   * The state after a page read after {@code previous}: its rows folded into their buckets'
   * digests (pruned to the lookback window behind its last row), and the digest of the rows at
   * the new cursor's very timestamp.
   */
  RescanState fold(RescanState state, Cursor previous, List<SourceRow> page) {
    if (!enabled || page.isEmpty()) {
      return state;
    }
    TreeMap<Long, BucketDigest> updated = new TreeMap<>(state.readDigests());
    long newest = page.get(page.size() - 1).timestampMicros();
    BucketDigest ties = previous.timestampMicros() == newest ? state.cursorTies() : BucketDigest.EMPTY;
    for (SourceRow row : page) {
      updated.merge(row.timestampMicros() / bucketMicros, BucketDigest.EMPTY.plus(row.id()),
          (had, one) -> had.plus(row.id()));
      if (row.timestampMicros() == newest) {
        ties = ties.plus(row.id());
      }
    }
    updated.headMap((newest - lookbackMicros) / bucketMicros - 1, false).clear();
    return state.withDigests(updated, ties);
  }

  /** One query: a page of NULL-timestamp rows, a page of a differing bucket, or a comparison. */
  Step step(BigQueryShardReader reader, int shard, ShardQuery query, ShardProgress progress,
      long nowMillis) {
    RescanState rescan = progress.rescan();
    if (shard == 0 && (rescan.nullScanAfter() != null || nowMillis >= rescan.nextNullScanMillis())) {
      return nullCursorStep(reader, query.tableQueries(), progress, nowMillis);
    }
    if (!rescan.pending().isEmpty()) {
      return bucketPage(reader, query, progress);
    }
    return compare(reader, query, progress, nowMillis);
  }

  private Step nullCursorStep(BigQueryShardReader reader, TableQueries table,
      ShardProgress progress, long nowMillis) {
    RescanState rescan = progress.rescan();
    if (rescan.nullScanAfter() == null) {
      long count = reader.nullCursorCount(table);
      long next = continuous ? nowMillis + nullScanMillis : Long.MAX_VALUE;
      boolean changed = count != rescan.nullCursorRows() && count > 0;
      return new Step(progress.afterRescan(rescan.withNullScan(count, next, changed ? "" : null), 0),
          List.of(), false, false);
    }
    List<SourceRow> rows = reader.nullCursorRows(table, rescan.nullScanAfter(), pageRows);
    String lastId = rows.isEmpty() ? null : rows.get(rows.size() - 1).id();
    if (rows.size() == pageRows && lastId == null) {
      // A whole page of rows with neither id nor timestamp: id order cannot page past them.
      LOG.warn("shard 0: more than {} rows have neither a primary key nor a cursor timestamp; only"
          + " the first {} are dead-lettered", pageRows, pageRows);
    }
    String after = rows.size() == pageRows && lastId != null ? lastId : null;
    return new Step(progress.afterRescan(rescan.withNullScan(rescan.nullCursorRows(),
        rescan.nextNullScanMillis(), after), 0), rows, false, false);
  }

  /** The next page of the first remembered bucket; the bucket is done when a page is not full. */
  private Step bucketPage(BigQueryShardReader reader, ShardQuery query, ShardProgress progress) {
    RescanState rescan = progress.rescan();
    Map.Entry<Long, RescanState.PendingBucket> first = rescan.pending().firstEntry();
    RescanState.PendingBucket bucket = first.getValue();
    List<SourceRow> read = reader.page(query, bucket.after(), Micros.toInstant(bucket.upperMicros()),
        pageRows);
    // Rows past the cursor (at its very timestamp) are the page reads' to emit: a re-scanned
    // page must never carry the shard's checkpoint beyond rows it has not read.
    List<SourceRow> rows = read.stream()
        .filter(row -> row.cursor().compareTo(progress.cursor()) <= 0).toList();
    BucketDigest reread = bucket.reread();
    for (SourceRow row : rows) {
      reread = reread.plus(row.id());
    }
    TreeMap<Long, RescanState.PendingBucket> pending = new TreeMap<>(rescan.pending());
    TreeMap<Long, BucketDigest> digests = new TreeMap<>(rescan.readDigests());
    if (read.size() < pageRows) {
      // The rows just re-read replace, in the reader's digest, what it held of that range; rows
      // the page reads folded in meanwhile (past the range) stay.
      pending.remove(first.getKey());
      digests.put(first.getKey(), digests.getOrDefault(first.getKey(), BucketDigest.EMPTY)
          .minus(bucket.replaced()).plus(reread));
    } else {
      pending.put(first.getKey(), new RescanState.PendingBucket(bucket.source(),
          bucket.upperMicros(), read.get(read.size() - 1).cursor(), bucket.replaced(), reread));
    }
    RescanState next = rescan.withDigests(digests).withPending(pending, rescan.nextRescanMillis());
    return new Step(progress.afterRescan(next, rows.isEmpty() ? 0 : 1), rows, true, false);
  }

  /** BigQuery's digests of the window behind the cursor against the reader's; remembers differences. */
  private Step compare(BigQueryShardReader reader, ShardQuery query, ShardProgress progress,
      long nowMillis) {
    RescanState rescan = progress.rescan();
    long next = continuous ? nowMillis + intervalMillis : Long.MAX_VALUE;
    TreeMap<Long, RescanState.PendingBucket> differing = new TreeMap<>();
    if (enabled && !progress.cursor().isStart()) {
      long cursorMicros = progress.cursor().timestampMicros();
      long lowerBucket = (cursorMicros - lookbackMicros) / bucketMicros;
      long cursorBucket = cursorMicros / bucketMicros;
      // Every row before the cursor's timestamp has been read or is late; rows at that very
      // timestamp may still be unread, so they are left out on both sides.
      Map<Long, BucketDigest> inSource = reader.bucketDigests(query,
          Micros.toInstant(lowerBucket * bucketMicros), Micros.toInstant(cursorMicros),
          bucketMicros);
      for (Map.Entry<Long, BucketDigest> bucket : inSource.entrySet()) {
        BucketDigest read = rescan.readDigests().getOrDefault(bucket.getKey(), BucketDigest.EMPTY);
        if (bucket.getKey() == cursorBucket) {
          read = read.minus(rescan.cursorTies());
        }
        if (!bucket.getValue().equals(read)) {
          long start = bucket.getKey() * bucketMicros;
          differing.put(bucket.getKey(), new RescanState.PendingBucket(bucket.getValue(),
              Math.min(start + bucketMicros, cursorMicros) - 1, Cursor.of(start, ""), read,
              BucketDigest.EMPTY));
        }
      }
    }
    return new Step(progress.afterRescan(rescan.withPending(differing, next), 0), List.of(), false,
        true);
  }
}
