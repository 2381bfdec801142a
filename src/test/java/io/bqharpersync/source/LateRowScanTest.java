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
import java.util.stream.Collectors;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/** The trailing re-scan against the stand-in: it finds a late row, and only when there is one. */
class LateRowScanTest {
  private static final long NOW = Micros.of(Instant.parse("2026-01-01T12:00:00Z"));
  private static final long BUCKET = 1_000_000L;

  @Test
  void reReadsOnlyTheBucketThatGainedALateRow() throws Exception {
    try (RunningStandIn bq = new RunningStandIn()) {
      TableId id = TableId.of("test-project", "late", "readings");
      TelemetryTable.create(bq.client, id);
      TelemetryGenerator gen = new TelemetryGenerator("l");
      // 120 rows over the last 60 s, two per timestamp.
      TelemetryTable.insert(bq.client, id, gen.rows(0, 120, NOW - 60_000_000L, 1_000_000L, 2));
      ShardQuery query = ShardQuery.builder().table("test-project.late.readings")
          .columns(TelemetryTable.COLUMNS).idColumn("id").cursorColumn("timestamp")
          .shard(0, 1).build();
      BigQueryShardReader reader = new BigQueryShardReader(bq.client,
          RetryPolicy.of(1, Duration.ofMillis(10), Duration.ofSeconds(1)), () -> {});
      // A lookback of 60 s makes buckets of one second.
      ReadPacing pacing = ReadPacing.from(PipelineOptionsFactory.fromArgs("--lookback=60s",
          "--rescanInterval=5s", "--nullTimestampScanInterval=5m", "--pageRows=1000")
          .as(ShardReadOptions.class));
      assertEquals(BUCKET, pacing.bucketMicros());
      LateRowScan scan = new LateRowScan(true, pacing);

      // The page reads pass every row; their digests are folded in as they go.
      List<SourceRow> page = reader.page(query, Cursor.START, Micros.toInstant(NOW), 1000);
      ShardProgress progress = ShardProgress.start(Cursor.START, 0, 1, ShardProgress.UNBOUNDED, 0)
          .afterPage(page.get(page.size() - 1).cursor(), 1, scan.fold(new java.util.TreeMap<>(), page));

      LateRowScan.Step quiet = scan.step(reader, 1, query, progress, 1_000);
      assertFalse(quiet.bucketReread, "nothing arrived late, so nothing is re-read");
      assertEquals(1_000 + 5_000, quiet.progress.nextRescanMillis());

      // A row 30 s behind the cursor appears.
      TelemetryTable.insert(bq.client, id, List.of(gen.row(999, NOW - 30_000_000L + 500)));
      LateRowScan.Step found = scan.step(reader, 1, query, quiet.progress, 7_000);
      assertTrue(found.bucketReread);
      assertTrue(found.lateRows.stream().map(SourceRow::id).collect(Collectors.toSet())
          .contains(gen.id(999)), "the late row is among " + found.lateRows);
      assertTrue(found.lateRows.size() <= 3, "one bucket re-read, not the window: " + found.lateRows);
      assertEquals(quiet.progress.nextRescanMillis(), found.progress.nextRescanMillis(),
          "the next step follows at once, to look for further differing buckets");

      LateRowScan.Step settled = scan.step(reader, 1, query, found.progress, 7_100);
      assertFalse(settled.bucketReread, "the bucket's digest now matches");
    }
  }
}
