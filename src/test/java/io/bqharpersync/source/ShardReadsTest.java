package io.bqharpersync.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.TableId;
import com.google.common.hash.Hashing;
import io.bqharpersync.bqlocal.RunningStandIn;
import io.bqharpersync.tools.TelemetryGenerator;
import io.bqharpersync.tools.TelemetryTable;
import io.bqharpersync.record.Cursor;
import io.bqharpersync.retry.RetryPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Coverage and balance of sharded, paged reads over a 50,000-row table in the stand-in, through
 * the real client: 49,000 rows a millisecond apart and 1,000 rows sharing one timestamp.
 */
class ShardReadsTest {
  private static final String TABLE = "test-project.telemetry.readings";
  /** The same generator, every row on its own millisecond: balance is about the hash alone. */
  private static final String DISTINCT_MS = "test-project.telemetry.distinct_ms";
  private static final long START = 1_704_067_200_000_000L;
  private static final long TIE_MICROS = START + 20_000_000L;
  private static final int ROWS = Integer.getInteger("rows", 50_000);
  private static final Instant HARD_LIMIT = Instant.parse("2030-01-01T00:00:00Z");
  private static RunningStandIn bq;
  private static Map<String, Long> table;

  @BeforeAll
  static void seed() throws Exception {
    bq = new RunningStandIn();
    TableId id = TableId.of("test-project", "telemetry", "readings");
    TelemetryTable.create(bq.client, id);
    TelemetryGenerator gen = new TelemetryGenerator("dev");
    List<Map<String, Object>> rows = gen.rows(0, ROWS - 1000, START, 1000, 1);
    for (long i = ROWS - 1000; i < ROWS; i++) {
      rows.add(gen.row(i, TIE_MICROS));
    }
    TelemetryTable.insert(bq.client, id, rows);
    TableId balance = TableId.of("test-project", "telemetry", "distinct_ms");
    TelemetryTable.create(bq.client, balance);
    TelemetryTable.insert(bq.client, balance, gen.rows(0, ROWS, START, 1000, 1));
    table = new HashMap<>();
    for (long i = 0; i < ROWS; i++) {
      table.put(gen.id(i), i < ROWS - 1000 ? START + i * 1000 : TIE_MICROS);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    bq.close();
  }

  private static ShardQuery query(int shard, int shards, PartitionExpression partition) {
    return query(TABLE, shard, shards, partition);
  }

  private static ShardQuery query(String table, int shard, int shards, PartitionExpression partition) {
    return ShardQuery.builder().table(table).columns(List.of("id", "timestamp", "deviceId", "data"))
        .idColumn("id").cursorColumn("timestamp").partition(partition).shard(shard, shards).build();
  }

  private static long fingerprintShard(String text, int shards) {
    long f = Hashing.farmHashFingerprint64().hashString(text, StandardCharsets.UTF_8).asLong();
    return Math.abs(f % shards);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 8})
  void unionOfAllShardsPagedReadsIsTheTableExactly(int shards) {
    BigQueryShardReader reader = new BigQueryShardReader(bq.client, RetryPolicy.defaults(), () -> {});
    Set<String> seen = new HashSet<>();
    long duplicates = 0;
    for (int shard = 0; shard < shards; shard++) {
      ShardQuery query = query(shard, shards, PartitionExpression.TIMESTAMP_MICROS);
      ReadWindow window = new ReadWindow(Duration.ofSeconds(1), Duration.ofDays(1));
      Cursor cursor = Cursor.START;
      while (true) {
        List<SourceRow> page = reader.nextPage(query, cursor, HARD_LIMIT, 100, window);
        if (page.isEmpty()) {
          break;
        }
        for (SourceRow row : page) {
          assertTrue(row.cursor().compareTo(cursor) > 0, "pages move strictly forward");
          assertEquals(table.get(row.id()), row.timestampMicros(), row.id());
          assertEquals(shard, fingerprintShard(Long.toString(row.timestampMicros()), shards),
              "row " + row.id() + " read by the wrong shard");
          if (!seen.add(row.id())) {
            duplicates++;
          }
          cursor = row.cursor();
        }
      }
    }
    assertEquals(0, duplicates, "rows read twice");
    assertEquals(table.keySet(), seen);
  }

  @Test
  void defaultPartitionOverTimestampTextAlsoCoversTheTable() {
    BigQueryShardReader reader = new BigQueryShardReader(bq.client, RetryPolicy.defaults(), () -> {});
    Set<String> seen = new HashSet<>();
    for (int shard = 0; shard < 3; shard++) {
      ShardQuery query = query(shard, 3, PartitionExpression.TIMESTAMP_STRING);
      ReadWindow window = new ReadWindow(Duration.ofSeconds(2), Duration.ofDays(1));
      Cursor cursor = Cursor.START;
      for (List<SourceRow> page = reader.nextPage(query, cursor, HARD_LIMIT, 1000, window);
          !page.isEmpty(); page = reader.nextPage(query, cursor, HARD_LIMIT, 1000, window)) {
        for (SourceRow row : page) {
          assertTrue(seen.add(row.id()), "read twice: " + row.id());
          cursor = row.cursor();
        }
      }
    }
    assertEquals(table.keySet(), seen);
  }

  @Test
  void threeShardsOfMillisecondTimestampsAreWithinFivePercent() throws Exception {
    List<Long> sizes = new ArrayList<>();
    for (int shard = 0; shard < 3; shard++) {
      QueryStatement digest = query(DISTINCT_MS, shard, 3, PartitionExpression.TIMESTAMP_STRING)
          .digest(Instant.EPOCH, HARD_LIMIT);
      sizes.add(bq.query(digest.sql, digest.parameters).get(0).get("row_count").getLongValue());
    }
    assertEquals(ROWS, sizes.stream().mapToLong(Long::longValue).sum());
    double mean = ROWS / 3.0;
    for (long size : sizes) {
      assertTrue(Math.abs(size - mean) <= mean * 0.05, "shard sizes " + sizes);
    }
  }

  @Test
  void moduloOfUnixMicrosPutsMillisecondTimestampsOnEvenShardsOnly() throws Exception {
    // Every millisecond timestamp is a multiple of 1000 microseconds, so of 8: with 4 shards,
    // MOD(UNIX_MICROS(ts), 4) sends every row to shard 0. The fingerprint spreads them.
    List<Long> modulo = new ArrayList<>();
    List<Long> fingerprint = new ArrayList<>();
    for (int shard = 0; shard < 4; shard++) {
      Map<String, QueryParameterValue> k = Map.of("k", QueryParameterValue.int64((long) shard));
      modulo.add(count("MOD(UNIX_MICROS(timestamp), 4) = @k", k));
      fingerprint.add(count("MOD(ABS(FARM_FINGERPRINT(CAST(timestamp AS STRING))), 4) = @k", k));
    }
    assertEquals(List.of((long) ROWS, 0L, 0L, 0L), modulo);
    for (long size : fingerprint) {
      assertTrue(Math.abs(size - ROWS / 4.0) <= ROWS / 4.0 * 0.05, "fingerprint shards " + fingerprint);
    }
  }

  private static long count(String predicate, Map<String, QueryParameterValue> params)
      throws InterruptedException {
    List<FieldValueList> rows = bq.query(
        "SELECT COUNT(*) AS n FROM `" + DISTINCT_MS + "` WHERE " + predicate, params);
    return rows.get(0).get("n").getLongValue();
  }

  @Test
  void dryRunReportsBytesWithoutRunningTheQuery() {
    BigQueryShardReader reader = new BigQueryShardReader(bq.client, RetryPolicy.defaults(), () -> {});
    QueryStatement page = query(0, 3, PartitionExpression.TIMESTAMP_STRING)
        .page(Cursor.START, HARD_LIMIT, 100);
    long bytes = reader.dryRunBytes(page);
    assertTrue(bytes > ROWS * 10L, "bytes " + bytes);
  }
}
