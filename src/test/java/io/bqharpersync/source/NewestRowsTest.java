package io.bqharpersync.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.cloud.bigquery.TableId;
import io.bqharpersync.bqlocal.RunningStandIn;
import io.bqharpersync.record.Micros;
import io.bqharpersync.retry.RetryPolicy;
import io.bqharpersync.tools.TelemetryGenerator;
import io.bqharpersync.tools.TelemetryTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link TableQueries#newestRows}, run by the stand-in through the real client: which rows of
 * which keys an audit window holds, and that SQL and Java put a key in the same bucket.
 */
class NewestRowsTest {
  private static final long T = 1_704_067_200_000_000L;
  private static final long S = 1_000_000L;
  private static RunningStandIn bq;
  private static TableQueries queries;
  private static BigQueryShardReader reader;

  @BeforeAll
  static void seed() throws Exception {
    bq = new RunningStandIn();
    TableId id = TableId.of("test-project", "audit", "newest");
    TelemetryTable.create(bq.client, id);
    TelemetryGenerator gen = new TelemetryGenerator("k");
    List<Map<String, Object>> rows = new ArrayList<>();
    rows.add(keyed(gen, 0, "a", T));
    rows.add(keyed(gen, 1, "a", T + 5 * S));
    rows.add(keyed(gen, 2, "a", T + 2 * S));
    rows.add(keyed(gen, 3, "b", T + 3 * S)); // b: two rows tie on its newest timestamp
    rows.add(keyed(gen, 4, "b", T + 3 * S));
    rows.add(keyed(gen, 5, "c", T + 4 * S)); // c: its newest row is beyond the window
    rows.add(keyed(gen, 6, "c", T + 20 * S));
    rows.add(keyed(gen, 7, "d", T - 10 * S)); // d: every row before the window
    rows.add(keyed(gen, 8, "e", T + 9 * S));
    Map<String, Object> noTimestamp = keyed(gen, 9, "e", T);
    noTimestamp.remove("timestamp"); // a row without a timestamp never is a key's newest
    rows.add(noTimestamp);
    for (int i = 0; i < 200; i++) {
      rows.add(keyed(gen, 100 + i, "many-" + i, T + S));
    }
    TelemetryTable.insert(bq.client, id, rows);
    queries = new TableQueries("test-project.audit.newest",
        List.of("id", "timestamp", "deviceId", "reading", "data"), false, "id", ShardQuery.IdType.STRING,
        "timestamp");
    reader = new BigQueryShardReader(bq.client, RetryPolicy.defaults(), () -> {});
  }

  @AfterAll
  static void stop() throws Exception {
    bq.close();
  }

  @Test
  void holdsEachKeysNewestRowsWhenTheyLieInTheWindow() {
    Map<String, List<Long>> found = newest(at(T - S), at(T + 10 * S), null);
    assertEquals(List.of(T + 5 * S), found.get("a"));
    assertEquals(List.of(T + 3 * S, T + 3 * S), found.get("b"), "both rows of a tie");
    assertEquals(null, found.get("c"), "newest row beyond the window");
    assertEquals(null, found.get("d"), "every row before the window");
    assertEquals(List.of(T + 9 * S), found.get("e"));
    assertEquals(203, found.size(), "a, b, e and the 200 others");
  }

  @Test
  void readingEveryColumnHoldsTheTablesColumnsAndNotTheQuerysOwn() {
    TableQueries every = new TableQueries("test-project.audit.newest", List.of("id", "timestamp"),
        true, "id", ShardQuery.IdType.STRING, "timestamp");
    List<SourceRow> rows = reader.fold(every, every.newestRows(at(T - S), at(T + 10 * S), 16, null),
        ArrayList::new, (List<SourceRow> found, SourceRow row) -> found.add(row));
    assertEquals(204, rows.size(), "a, both rows of b, e and the 200 others");
    List<String> fields = new ArrayList<>();
    rows.get(0).json().fieldNames().forEachRemaining(fields::add);
    assertEquals(TelemetryTable.COLUMNS, fields);
  }

  @Test
  void withoutAnEndHoldsKeysWhoseNewestRowIsBeyond() {
    Map<String, List<Long>> found = newest(at(T - S), null, null);
    assertEquals(List.of(T + 20 * S), found.get("c"));
    assertEquals(null, found.get("d"));
  }

  @Test
  void withoutAStartReadsFromTheTablesStart() {
    assertEquals(List.of(T - 10 * S), newest(null, at(T + 30 * S), null).get("d"));
  }

  @Test
  void keyBucketsOfSqlAndJavaAgree() {
    int buckets = 7;
    for (int bucket = -(buckets - 1); bucket < buckets; bucket++) {
      Map<String, List<Long>> inBucket = newest(null, null, List.of(bucket), buckets);
      for (String key : inBucket.keySet()) {
        assertEquals(bucket, TableQueries.keyBucket(key, buckets), key);
      }
    }
    long total = 0;
    for (int bucket = -(buckets - 1); bucket < buckets; bucket++) {
      total += newest(null, null, List.of(bucket), buckets).size();
    }
    assertEquals(205, total, "every key in exactly one bucket");
  }

  private static Map<String, List<Long>> newest(Instant from, Instant until, List<Integer> keys) {
    return newest(from, until, keys, 16);
  }

  private static Map<String, List<Long>> newest(Instant from, Instant until, List<Integer> keys,
      int buckets) {
    return reader.fold(queries, queries.newestRows(from, until, buckets, keys), TreeMap::new,
        (Map<String, List<Long>> found, SourceRow row) ->
            found.computeIfAbsent(row.id(), k -> new ArrayList<>()).add(row.timestampMicros()));
  }

  private static Map<String, Object> keyed(TelemetryGenerator gen, int i, String key, long micros) {
    Map<String, Object> row = gen.row(i, micros);
    row.put("id", key);
    return row;
  }

  private static Instant at(long micros) {
    return Micros.toInstant(micros);
  }
}
