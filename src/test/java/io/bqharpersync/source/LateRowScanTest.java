package io.bqharpersync.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.bigquery.TableId;
import io.bqharpersync.bqlocal.RunningStandIn;
import io.bqharpersync.tools.TelemetryGenerator;
import io.bqharpersync.tools.TelemetryTable;
import io.bqharpersync.record.Cursor;
import io.bqharpersync.record.Micros;
import io.bqharpersync.options.ShardReadOptions;
import io.bqharpersync.retry.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The trailing re-scan against the stand-in: it finds a late row, and only when there is one. */
class LateRowScanTest {
  private static final long NOW = Micros.of(Instant.parse("2026-01-01T12:00:00Z"));
  private static final long BUCKET = 1_000_000L;

  private RunningStandIn bq;
  private final TableId id = TableId.of("test-project", "late", "readings");
  private final TelemetryGenerator gen = new TelemetryGenerator("l");
  private ShardQuery query;
  private BigQueryShardReader reader;
  private LateRowScan scan;

  @BeforeEach
  void start() throws Exception {
    bq = new RunningStandIn();
    TelemetryTable.create(bq.client, id);
    // 120 rows over the 60 s before NOW, two per timestamp, each half a second into its second.
    TelemetryTable.insert(bq.client, id, gen.rows(0, 120, NOW - 59_500_000L, 1_000_000L, 2));
    query = ShardQuery.builder().table("test-project.late.readings")
        .columns(TelemetryTable.COLUMNS).idColumn("id").cursorColumn("timestamp")
        .shard(0, 1).build();
    reader = new BigQueryShardReader(bq.client,
        RetryPolicy.of(1, Duration.ofMillis(10), Duration.ofSeconds(1)), () -> {});
    // A lookback of 60 s makes buckets of one second; pages of two rows.
    ReadPacing pacing = ReadPacing.from(PipelineOptionsFactory.fromArgs("--lookback=60s",
        "--rescanInterval=5s", "--nullTimestampScanInterval=5m", "--pageRows=2")
        .as(ShardReadOptions.class));
    assertEquals(BUCKET, pacing.bucketMicros());
    scan = new LateRowScan(true, pacing);
  }

  @AfterEach
  void stop() throws Exception {
    bq.close();
  }

  /** The shard after page reads that passed every row so far, its digests folded in. */
  private ShardProgress readEverything() {
    List<SourceRow> page = reader.page(query, Cursor.START, Micros.toInstant(NOW), 1000);
    ShardProgress start = ShardProgress.start(Cursor.START, 0, 1, ShardProgress.UNBOUNDED, 0);
    return start.afterPage(page.get(page.size() - 1).cursor(), 1,
        scan.fold(start.rescan(), Cursor.START, page));
  }

  private void insertLate(long index, long micros) {
    TelemetryTable.insert(bq.client, id, List.of(gen.row(index, micros)));
  }

  /** Steps until nothing is pending; the ids of the rows re-read, checking each page is tracked. */
  private Set<String> drain(ShardProgress[] progress, long nowMillis) {
    Set<String> reread = new java.util.TreeSet<>();
    while (!progress[0].rescan().pending().isEmpty()) {
      LateRowScan.Step page = scan.step(reader, 1, query, progress[0], nowMillis);
      assertTrue(page.tracked() && page.rows().size() <= 2, "a page of the shard: " + page);
      page.rows().forEach(row -> reread.add(row.id()));
      progress[0] = page.progress();
    }
    return reread;
  }

  @Test
  void reReadsOnlyTheBucketThatGainedALateRowAPageAtATime() {
    ShardProgress[] progress = {readEverything()};
    LateRowScan.Step quiet = scan.step(reader, 1, query, progress[0], 1_000);
    assertTrue(quiet.bucketCompared());
    assertTrue(quiet.progress().rescan().pending().isEmpty(), "nothing arrived late");
    assertEquals(1_000 + 5_000, quiet.progress().rescan().nextRescanMillis());
    assertFalse(scan.due(1, quiet.progress(), 5_999), "not before the interval");

    // A row 30 s behind the cursor appears; its bucket already holds two rows.
    insertLate(999, NOW - 30_000_000L + 500);
    LateRowScan.Step found = scan.step(reader, 1, query, quiet.progress(), 7_000);
    assertEquals(java.util.Set.of((NOW - 30_000_000L) / BUCKET), found.progress().rescan().pending().keySet());
    progress[0] = found.progress();
    long pageBefore = progress[0].nextPageSeq();
    Set<String> reread = drain(progress, 7_000);
    assertTrue(reread.contains(gen.id(999)), "the late row is among " + reread);
    assertEquals(3, reread.size(), "one bucket re-read, not the window: " + reread);
    assertEquals(pageBefore + 2, progress[0].nextPageSeq(), "three rows, pages of two");

    LateRowScan.Step settled = scan.step(reader, 1, query, progress[0], 12_000);
    assertTrue(settled.progress().rescan().pending().isEmpty(), "the bucket's digest now matches");
  }

  @Test
  void bucketsFoundToDifferAreReReadEvenAfterTheCursorMovesPastTheWindow() {
    ShardProgress[] progress = {readEverything()};
    for (long secondsBack : List.of(50L, 40L, 20L)) {
      insertLate(900 + secondsBack, NOW - secondsBack * 1_000_000L + 700);
    }
    LateRowScan.Step found = scan.step(reader, 1, query, progress[0], 1_000);
    assertEquals(3, found.progress().rescan().pending().size());
    // The cursor jumps an hour ahead before any of them is re-read.
    progress[0] = found.progress().afterPage(Cursor.of(NOW + 3_600_000_000L, "z"), 1,
        found.progress().rescan());
    Set<String> reread = drain(progress, 1_000);
    for (long secondsBack : List.of(50L, 40L, 20L)) {
      assertTrue(reread.contains(gen.id(900 + secondsBack)), secondsBack + " s late: " + reread);
    }
  }

  @Test
  void theBucketHoldingTheCursorIsComparedUpToTheCursorsTimestamp() {
    // The last bucket holds a row 300 ms before the two rows that share the cursor's timestamp.
    insertLate(500, NOW - 800_000L);
    ShardProgress[] progress = {readEverything()};
    long cursorMicros = progress[0].cursor().timestampMicros();
    // Two rows share the cursor's timestamp: its ties do not make the bucket look different.
    assertTrue(scan.step(reader, 1, query, progress[0], 1_000).progress().rescan().pending()
        .isEmpty(), "no late row, no difference, ties at the cursor included");
    // A late row in the cursor's own bucket, before the cursor, and nothing newer after it.
    long bucketStart = cursorMicros / BUCKET * BUCKET;
    assertTrue(cursorMicros - 1 >= bucketStart + 1);
    insertLate(777, (bucketStart + cursorMicros) / 2);
    LateRowScan.Step found = scan.step(reader, 1, query, progress[0], 7_000);
    assertEquals(java.util.Set.of(cursorMicros / BUCKET), found.progress().rescan().pending().keySet());
    progress[0] = found.progress();
    assertTrue(drain(progress, 7_000).contains(gen.id(777)));
    assertTrue(scan.step(reader, 1, query, progress[0], 13_000).progress().rescan().pending()
        .isEmpty(), "after the re-read the bucket's digests agree again");
  }

  @Test
  void aBackfillComparesOnceBehindItsStartingCheckpoint() throws Exception {
    LateRowScan backfill = new LateRowScan(false, ReadPacing.from(PipelineOptionsFactory
        .fromArgs("--lookback=60s", "--rescanInterval=5s", "--pageRows=1000")
        .as(ShardReadOptions.class)));
    ShardProgress start = ShardProgress.start(Cursor.of(NOW, "z"), 10, 1, NOW + 1, 500);
    assertTrue(backfill.due(1, start, 500), "due when the job starts");
    LateRowScan.Step first = backfill.step(reader, 1, query, start, 500);
    assertEquals(60, first.progress().rescan().pending().size(),
        "a new job has no digests: every bucket of its lookback window is re-read");
    assertEquals(Long.MAX_VALUE, first.progress().rescan().nextRescanMillis(), "and only once");
  }
}
