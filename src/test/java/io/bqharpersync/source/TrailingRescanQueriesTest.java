package io.bqharpersync.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.cloud.bigquery.TableId;
import io.bqharpersync.bqlocal.RunningStandIn;
import io.bqharpersync.tools.TelemetryGenerator;
import io.bqharpersync.tools.TelemetryTable;
import io.bqharpersync.retry.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The queries behind the trailing re-scan and the NULL-timestamp scan, through the real client
 * against the stand-in: BigQuery's per-bucket digests must equal the ones a reader computes in
 * Java from the rows it read, or every re-scan would re-read everything (or, worse, nothing).
 */
class TrailingRescanQueriesTest {
  private static final long START = 1_704_067_200_000_000L;
  private static final long BUCKET = 10_000_000L;
  private static RunningStandIn bq;
  private static BigQueryShardReader reader;
  private static final List<Map<String, Object>> ROWS = new ArrayList<>();

  @BeforeAll
  static void seed() throws Exception {
    bq = new RunningStandIn();
    TableId id = TableId.of("test-project", "rescan", "readings");
    TelemetryTable.create(bq.client, id);
    TelemetryGenerator gen = new TelemetryGenerator("r");
    // 600 rows over 60 s, two per timestamp: six buckets of ten seconds.
    ROWS.addAll(gen.rows(0, 600, START, 200_000, 2));
    List<Map<String, Object>> all = new ArrayList<>(ROWS);
    all.add(gen.badRow(1000, START, TelemetryGenerator.Bad.NULL_TIMESTAMP, 0));
    all.add(gen.badRow(1001, START, TelemetryGenerator.Bad.NULL_TIMESTAMP, 0));
    TelemetryTable.insert(bq.client, id, all);
    reader = new BigQueryShardReader(bq.client,
        RetryPolicy.of(1, Duration.ofMillis(10), Duration.ofSeconds(1)), () -> {});
  }

  @AfterAll
  static void stop() throws Exception {
    bq.close();
  }

  private static ShardQuery query() {
    return ShardQuery.builder().table("test-project.rescan.readings")
        .columns(TelemetryTable.COLUMNS).idColumn("id").cursorColumn("timestamp")
        .shard(0, 1).build();
  }

  @Test
  void bigQueryBucketDigestsEqualTheDigestsOfTheRowsRead() {
    Map<Long, BucketDigest> expected = new TreeMap<>();
    for (Map<String, Object> row : ROWS) {
      long micros = Instant.parse(((String) row.get("timestamp")).replace(" UTC", "Z")
          .replace(' ', 'T')).toEpochMilli() * 1000;
      expected.merge(micros / BUCKET, BucketDigest.EMPTY.plus((String) row.get("id")),
          (had, one) -> had.plus((String) row.get("id")));
    }

    Map<Long, BucketDigest> fromBigQuery = reader.bucketDigests(query(),
        Instant.EPOCH.plusNanos(START * 1000), Instant.EPOCH.plusNanos((START + 60_000_000L) * 1000),
        BUCKET);

    assertEquals(6, fromBigQuery.size());
    assertEquals(expected, fromBigQuery);
  }

  @Test
  void bucketsAreHalfOpenSoNoRowIsCountedTwice() {
    Instant lower = Instant.EPOCH.plusNanos((START + BUCKET) * 1000);
    Instant upper = Instant.EPOCH.plusNanos((START + 2 * BUCKET) * 1000);
    Map<Long, BucketDigest> one = reader.bucketDigests(query(), lower, upper, BUCKET);
    assertEquals(1, one.size());
    assertEquals(100, one.values().iterator().next().count());
    assertNull(one.get(START / BUCKET));
  }

  @Test
  void rowsWithoutATimestampAreCountedAndReadApart() {
    assertEquals(2, reader.nullCursorCount(query().tableQueries()));
    List<SourceRow> rows = reader.nullCursorRows(query().tableQueries(), "", 100);
    assertEquals(2, rows.size());
    assertNull(rows.get(0).timestampMicros());
  }
}
