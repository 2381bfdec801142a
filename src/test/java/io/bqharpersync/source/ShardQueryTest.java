package io.bqharpersync.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.StandardSQLTypeName;
import io.bqharpersync.record.Cursor;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardQueryTest {
  private static ShardQuery.Builder telemetry() {
    return ShardQuery.builder()
        .table("my-project.telemetry.readings")
        .columns(List.of("id", "ts", "deviceId", "data"))
        .idColumn("id")
        .cursorColumn("ts")
        .shard(2, 8);
  }

  @Test
  void pageQueryIsExactlyTheTupleCursorWithAPrunableWindow() {
    QueryStatement page = telemetry().build()
        .page(Cursor.of(1_704_067_200_500_000L, "dev-9"), Instant.parse("2024-01-01T01:00:00Z"), 500);
    assertEquals(
        "SELECT `id`, `ts`, `deviceId`, `data`\n"
            + "FROM `my-project.telemetry.readings`\n"
            + "WHERE MOD(ABS(FARM_FINGERPRINT(CAST(`ts` AS STRING))), @shard_count) = @shard\n"
            + "  AND `ts` >= @cursor_ts AND `ts` <= @upper_ts\n"
            + "  AND (`ts` > @cursor_ts OR (`ts` = @cursor_ts AND `id` > @cursor_id))\n"
            + "ORDER BY `ts`, `id`\n"
            + "LIMIT @page_limit",
        page.sql);
    assertEquals(QueryParameterValue.int64(8L), page.parameters.get("shard_count"));
    assertEquals(QueryParameterValue.int64(2L), page.parameters.get("shard"));
    assertEquals(QueryParameterValue.timestamp(1_704_067_200_500_000L), page.parameters.get("cursor_ts"));
    assertEquals(QueryParameterValue.timestamp(1_704_070_800_000_000L), page.parameters.get("upper_ts"));
    assertEquals(QueryParameterValue.string("dev-9"), page.parameters.get("cursor_id"));
    assertEquals(QueryParameterValue.int64(500L), page.parameters.get("page_limit"));
    assertEquals(StandardSQLTypeName.TIMESTAMP, page.parameters.get("cursor_ts").getType());
  }

  @Test
  void partitionExpressionsAreTheDocumentedOnes() {
    Instant upper = Instant.parse("2024-01-01T00:00:00Z");
    String micros = telemetry().partition(PartitionExpression.TIMESTAMP_MICROS).build()
        .page(Cursor.START, upper, 10).sql;
    assertTrue(micros.contains("FARM_FINGERPRINT(CAST(UNIX_MICROS(`ts`) AS STRING))"), micros);
    String byId = telemetry().partition(PartitionExpression.ID).build().page(Cursor.START, upper, 10).sql;
    assertTrue(byId.contains("FARM_FINGERPRINT(CAST(`id` AS STRING))"), byId);
  }

  @Test
  void startCursorIsBeforeEveryRow() {
    QueryStatement first = telemetry().build().page(Cursor.START, Instant.EPOCH, 1);
    assertEquals(QueryParameterValue.timestamp(ShardQuery.MIN_TIMESTAMP_MICROS),
        first.parameters.get("cursor_ts"));
    assertEquals(QueryParameterValue.string(""), first.parameters.get("cursor_id"));
    ShardQuery ints = telemetry().idColumn("id", ShardQuery.IdType.INT64).build();
    assertEquals(QueryParameterValue.int64(Long.MIN_VALUE),
        ints.page(Cursor.START, Instant.EPOCH, 1).parameters.get("cursor_id"));
    assertEquals(QueryParameterValue.int64(42L),
        ints.page(Cursor.of(5, "42"), Instant.EPOCH, 1).parameters.get("cursor_id"));
  }

  @Test
  void valuesNeverEnterTheSqlText() {
    String hostile = "x') OR 1=1 --";
    QueryStatement page = telemetry().build().page(Cursor.of(0, hostile), Instant.EPOCH, 1);
    assertTrue(!page.sql.contains(hostile));
    assertEquals(QueryParameterValue.string(hostile), page.parameters.get("cursor_id"));
  }

  @Test
  void identifierInjectionIsRefusedByName() {
    for (String table : List.of("p.d.t` WHERE 1=1 --", "p.d.t; DROP TABLE x", "p.d", "p.d.t.x",
        "p.da-ta.t", "P.d.t")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ShardQuery.builder().table(table));
      assertTrue(e.getMessage().startsWith("table"), e.getMessage());
    }
    for (String column : List.of("ts`", "a b", "id) OR (1=1", "")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ShardQuery.builder().cursorColumn(column));
      assertTrue(e.getMessage().startsWith("cursorColumn: '" + column + "'"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> ShardQuery.builder().columns(List.of("id", column)));
    }
  }

  @Test
  void inconsistentSettingsNameTheOption() {
    IllegalArgumentException shard = assertThrows(IllegalArgumentException.class,
        () -> ShardQuery.builder().shard(3, 3));
    assertTrue(shard.getMessage().startsWith("shard: must be within 0..2"), shard.getMessage());
    IllegalArgumentException columns = assertThrows(IllegalArgumentException.class,
        () -> telemetry().columns(List.of("id", "data")).build());
    assertTrue(columns.getMessage().startsWith("columns: must include"), columns.getMessage());
    IllegalArgumentException limit = assertThrows(IllegalArgumentException.class,
        () -> telemetry().build().page(Cursor.START, Instant.EPOCH, 0));
    assertTrue(limit.getMessage().startsWith("limit:"), limit.getMessage());
  }
}
