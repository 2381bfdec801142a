package io.bqharpersync.source;

import io.bqharpersync.record.Cursor;
import io.bqharpersync.record.Micros;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The trailing re-scan of one shard, which finds rows that appeared behind the shard's cursor.
 *
 * <p>The lookback window behind the cursor is cut into buckets of {@code bucketMicros}. As the
 * reader reads pages it folds each row into its bucket's {@link BucketDigest}; every {@code
 * rescanInterval} one query asks BigQuery for the same digests over the window (scanning only the
 * id and timestamp columns), and a bucket whose digests differ is re-read in full and emitted
 * again, one bucket per step. Upserts are idempotent, so re-sending rows Harper already has costs
 * writes but never correctness. A new job starts with no digests, so it re-reads its lookback
 * window once and so also catches rows that arrived while no job ran. The bucket holding the cursor
 * is left out until the cursor leaves it: its rows past the cursor are the page reads' to find.
 *
 * <p>Shard 0 also looks after rows whose cursor timestamp is NULL, which no shard query can
 * match: every {@code nullScanInterval} it counts them and, when the count changed, reads them to
 * be dead-lettered. On a table partitioned by the cursor column the count reads only the NULL
 * partition; on an unpartitioned one it scans the whole column, hence its own, longer interval.
 */
final class LateRowScan implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int MAX_NULL_CURSOR_ROWS = 100_000;

  /** What one step found, and the progress to claim before emitting it. */
  static final class Step {
    final ShardProgress progress;
    final List<SourceRow> nullCursorRows;
    final List<SourceRow> lateRows;
    final boolean bucketReread;

    Step(ShardProgress progress, List<SourceRow> nullCursorRows, List<SourceRow> lateRows,
        boolean bucketReread) {
      this.progress = progress;
      this.nullCursorRows = nullCursorRows;
      this.lateRows = lateRows;
      this.bucketReread = bucketReread;
    }
  }

  private final boolean continuous;
  private final boolean enabled;
  private final long bucketMicros;
  private final long lookbackMicros;
  private final long intervalMillis;
  private final long nullScanMillis;
  private final int pageRows;

  /**
   * @param continuous false for a backfill, which looks for late rows never and for NULL rows
   *     once; a continuous sync with a lookback of zero looks only for NULL rows
   */
  LateRowScan(boolean continuous, ReadPacing pacing) {
    this.continuous = continuous;
    this.enabled = continuous && !pacing.lookback().isZero();
    this.bucketMicros = pacing.bucketMicros();
    this.lookbackMicros = pacing.lookback().toNanos() / 1000;
    this.intervalMillis = pacing.rescanInterval().toMillis();
    this.nullScanMillis = pacing.nullScanInterval().toMillis();
    this.pageRows = pacing.pageRows();
  }

  boolean due(int shard, ShardProgress progress, long nowMillis) {
    return nowMillis >= progress.nextRescanMillis()
        || (shard == 0 && nowMillis >= progress.nextNullScanMillis());
  }

  /** The digests after a page of rows, pruned to the lookback window behind its last row. */
  NavigableMap<Long, BucketDigest> fold(NavigableMap<Long, BucketDigest> digests, List<SourceRow> page) {
    if (!enabled || page.isEmpty()) {
      return digests;
    }
    TreeMap<Long, BucketDigest> updated = new TreeMap<>(digests);
    for (SourceRow row : page) {
      updated.merge(row.timestampMicros() / bucketMicros, BucketDigest.EMPTY.plus(row.id()),
          (had, one) -> had.plus(row.id()));
    }
    long newest = page.get(page.size() - 1).timestampMicros();
    updated.headMap((newest - lookbackMicros) / bucketMicros - 1, false).clear();
    return updated;
  }

  Step step(BigQueryShardReader reader, int shard, ShardQuery query, ShardProgress progress,
      long nowMillis) {
    long nullRows = progress.nullCursorRows();
    long nextNullScan = progress.nextNullScanMillis();
    List<SourceRow> nullCursorRows = List.of();
    if (shard == 0 && nowMillis >= nextNullScan) {
      long count = reader.nullCursorCount(query.tableQueries());
      if (count != nullRows && count > 0) {
        nullCursorRows = reader.nullCursorRows(query.tableQueries(), MAX_NULL_CURSOR_ROWS);
      }
      nullRows = count;
      nextNullScan = continuous ? nowMillis + nullScanMillis : Long.MAX_VALUE;
    }
    boolean rescanDue = enabled && nowMillis >= progress.nextRescanMillis();
    TreeMap<Long, BucketDigest> digests = new TreeMap<>(progress.readDigests());
    Map.Entry<Long, BucketDigest> differing = rescanDue && !progress.cursor().isStart()
        ? firstDifferingBucket(reader, query, progress.cursor(), digests) : null;
    List<SourceRow> late = List.of();
    if (differing != null) {
      late = readBucket(reader, query, differing.getKey());
      digests.put(differing.getKey(), differing.getValue());
    }
    // While buckets differ, the next step comes at once; then not before the interval.
    long nextRescan = !enabled ? Long.MAX_VALUE
        : !rescanDue || differing != null ? progress.nextRescanMillis() : nowMillis + intervalMillis;
    return new Step(progress.afterRescan(digests, nextRescan, nullRows, nextNullScan),
        nullCursorRows, late, differing != null);
  }

  private Map.Entry<Long, BucketDigest> firstDifferingBucket(BigQueryShardReader reader,
      ShardQuery query, Cursor cursor, NavigableMap<Long, BucketDigest> read) {
    long upperBucket = cursor.timestampMicros() / bucketMicros;
    long lowerBucket = (cursor.timestampMicros() - lookbackMicros) / bucketMicros;
    Map<Long, BucketDigest> inSource = reader.bucketDigests(query,
        Micros.toInstant(lowerBucket * bucketMicros), Micros.toInstant(upperBucket * bucketMicros),
        bucketMicros);
    for (Map.Entry<Long, BucketDigest> bucket : inSource.entrySet()) {
      if (!bucket.getValue().equals(read.getOrDefault(bucket.getKey(), BucketDigest.EMPTY))) {
        return bucket;
      }
    }
    return null;
  }

  /** Every row of the shard with a timestamp in {@code bucket}. */
  private List<SourceRow> readBucket(BigQueryShardReader reader, ShardQuery query, long bucket) {
    // (start, "") is before every row of the bucket that has an id; rows without one are dead
    // letters whatever happens, and the digest taken from BigQuery already counts them.
    Cursor after = Cursor.of(bucket * bucketMicros, "");
    Instant upper = Micros.toInstant((bucket + 1) * bucketMicros - 1);
    List<SourceRow> rows = new ArrayList<>();
    while (true) {
      List<SourceRow> page = reader.page(query, after, upper, pageRows);
      rows.addAll(page);
      if (page.size() < pageRows) {
        return rows;
      }
      after = page.get(page.size() - 1).cursor();
    }
  }
}
