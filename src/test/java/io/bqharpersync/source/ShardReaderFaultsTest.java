package io.bqharpersync.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.TableId;
import io.bqharpersync.bqlocal.FaultPlan.Fault;
import io.bqharpersync.bqlocal.RunningStandIn;
import io.bqharpersync.tools.TelemetryGenerator;
import io.bqharpersync.tools.TelemetryTable;
import io.bqharpersync.record.Cursor;
import io.bqharpersync.retry.RetriesExhaustedException;
import io.bqharpersync.retry.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reads complete through injected 429s, 500s, stalled replies and incomplete jobs. */
class ShardReaderFaultsTest {
  private static final long START = 1_704_067_200_000_000L;
  private static final Instant HARD_LIMIT = Instant.parse("2025-01-01T00:00:00Z");
  private static RunningStandIn bq;
  private static final ShardQuery QUERY = ShardQuery.builder()
      .table("test-project.faults.t").columns(TelemetryTable.COLUMNS)
      .idColumn("id").cursorColumn("timestamp").shard(0, 1).build();

  @BeforeAll
  static void seed() throws Exception {
    bq = new RunningStandIn(Duration.ofSeconds(1));
    TableId table = TableId.of("test-project", "faults", "t");
    TelemetryTable.create(bq.client, table);
    TelemetryTable.insert(bq.client, table, new TelemetryGenerator("f").rows(0, 2000, START, 1000, 3));
    bq.server.pageRows(400);
  }

  @AfterAll
  static void stop() throws Exception {
    bq.close();
  }

  @AfterEach
  void clear() {
    bq.server.faults().clear();
  }

  private static List<String> readAll(BigQueryShardReader reader) {
    List<String> ids = new ArrayList<>();
    Cursor cursor = Cursor.START;
    ReadWindow window = new ReadWindow(Duration.ofSeconds(1), Duration.ofDays(1));
    for (List<SourceRow> page = reader.nextPage(QUERY, cursor, HARD_LIMIT, 700, window);
        !page.isEmpty(); page = reader.nextPage(QUERY, cursor, HARD_LIMIT, 700, window)) {
      for (SourceRow row : page) {
        ids.add(row.id());
        cursor = row.cursor();
      }
    }
    return ids;
  }

  private static List<String> expected() {
    TelemetryGenerator gen = new TelemetryGenerator("f");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      ids.add(gen.id(i));
    }
    return ids;
  }

  @Test
  void readsCompleteThroughEveryKindOfFault() {
    AtomicInteger retries = new AtomicInteger();
    BigQueryShardReader reader = new BigQueryShardReader(bq.client,
        RetryPolicy.of(8, Duration.ofMillis(20), Duration.ofSeconds(30)), retries::incrementAndGet);
    bq.server.faults().stallMillis(3000);
    bq.server.faults().add(Fault.RATE_LIMITED, 2);
    bq.server.faults().add(Fault.INCOMPLETE, 2);
    bq.server.faults().add(Fault.BACKEND_ERROR, 2);
    bq.server.faults().add(Fault.STALL, 1);
    bq.server.faults().add(Fault.INCOMPLETE, 1);

    assertEquals(expected(), readAll(reader));
    assertEquals(0, bq.server.faults().pending(), "every injected fault was met");
    assertTrue(retries.get() >= 5, "retries: " + retries.get());
  }

  @Test
  void aFaultThatOutlastsTheRetriesFailsWithBigQuerysReason() {
    BigQueryShardReader reader = new BigQueryShardReader(bq.client,
        RetryPolicy.of(2, Duration.ofMillis(10), Duration.ofSeconds(5)), () -> {});
    bq.server.faults().add(Fault.RATE_LIMITED, 3);
    RetriesExhaustedException e = assertThrows(RetriesExhaustedException.class,
        () -> reader.page(QUERY, Cursor.START, HARD_LIMIT, 10));
    assertTrue(e.getMessage().contains("gave up after 3 attempts"), e.getMessage());
    assertEquals(429, ((BigQueryException) e.getCause()).getCode());
    assertEquals("rateLimitExceeded", ((BigQueryException) e.getCause()).getError().getReason());
  }

  @Test
  void anInvalidQueryIsNotRetried() {
    AtomicInteger retries = new AtomicInteger();
    BigQueryShardReader reader = new BigQueryShardReader(bq.client, RetryPolicy.defaults(),
        retries::incrementAndGet);
    ShardQuery missingColumn = ShardQuery.builder().table("test-project.faults.t")
        .columns(List.of("id", "timestamp", "nope")).idColumn("id").cursorColumn("timestamp")
        .build();
    BigQueryException e = assertThrows(BigQueryException.class,
        () -> reader.page(missingColumn, Cursor.START, HARD_LIMIT, 10));
    assertEquals(400, e.getCode());
    assertTrue(e.getMessage().contains("nope"), e.getMessage());
    assertEquals(0, retries.get());
  }
}
