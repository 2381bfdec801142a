package io.bqharpersync.bqlocal;

import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.*;
import java.util.*;
import org.junit.jupiter.api.Test;

class ScratchClientTest {
  @Test
  void probe() throws Exception {
    try (BigQueryLocal local = BigQueryLocal.start("127.0.0.1", 0)) {
      local.pageRows(3);
      BigQuery bq = BigQueryOptions.newBuilder().setProjectId("p1").setHost(local.endpoint())
          .setCredentials(NoCredentials.getInstance()).build().getService();
      bq.create(DatasetInfo.of("ds"));
      Schema schema = Schema.of(Field.of("id", StandardSQLTypeName.STRING),
          Field.of("ts", StandardSQLTypeName.TIMESTAMP), Field.of("data", StandardSQLTypeName.JSON),
          Field.newBuilder("tags", StandardSQLTypeName.STRING).setMode(Field.Mode.REPEATED).build(),
          Field.of("rec", StandardSQLTypeName.STRUCT, Field.of("a", StandardSQLTypeName.INT64), Field.of("b", StandardSQLTypeName.STRING)));
      bq.create(TableInfo.of(TableId.of("ds", "t"), StandardTableDefinition.of(schema)));
      List<InsertAllRequest.RowToInsert> rows = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        rows.add(InsertAllRequest.RowToInsert.of(Map.of("id", "r" + i, "ts", "2024-01-01 00:00:0" + i + ".123456+00",
            "data", "{\"k\":" + i + "}", "tags", List.of("x", "y"), "rec", Map.of("a", i, "b", "bb"))));
      }
      InsertAllResponse response = bq.insertAll(InsertAllRequest.of(TableId.of("ds", "t"), rows));
      System.out.println("insert errors " + response.getInsertErrors());
      TableResult result = bq.query(QueryJobConfiguration.newBuilder(
          "SELECT id, ts, data, tags, rec FROM `p1.ds.t` WHERE ts >= @lo AND MOD(ABS(FARM_FINGERPRINT(CAST(ts AS STRING))), 1) = 0 ORDER BY ts LIMIT @n")
          .addNamedParameter("lo", QueryParameterValue.timestamp(0L))
          .addNamedParameter("n", QueryParameterValue.int64(100L)).build());
      System.out.println("schema " + result.getSchema());
      for (FieldValueList row : result.iterateAll()) {
        System.out.println(row.get("id").getStringValue() + " " + row.get("ts").getTimestampValue() + " "
            + row.get("data").getStringValue() + " " + row.get("tags").getRepeatedValue() + " " + row.get("rec").getRecordValue());
      }
    }
  }
}
