package io.bqharpersync.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.TableResult;
import io.bqharpersync.bqlocal.RunningStandIn;
import io.bqharpersync.record.JsonComparison;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every supported BigQuery type, through the stand-in and the real client, to Harper's JSON. */
class BigQueryRowsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void convertsEveryTypeKeepingMicrosecondsAndExactDecimals() throws Exception {
    try (RunningStandIn bq = new RunningStandIn()) {
      ArrayNode schema = (ArrayNode) MAPPER.readTree("["
          + "{\"name\":\"s\",\"type\":\"STRING\"},"
          + "{\"name\":\"i\",\"type\":\"INT64\"},"
          + "{\"name\":\"big\",\"type\":\"INT64\"},"
          + "{\"name\":\"f\",\"type\":\"FLOAT64\"},"
          + "{\"name\":\"b\",\"type\":\"BOOL\"},"
          + "{\"name\":\"ts\",\"type\":\"TIMESTAMP\"},"
          + "{\"name\":\"d\",\"type\":\"DATE\"},"
          + "{\"name\":\"n\",\"type\":\"NUMERIC\"},"
          + "{\"name\":\"j\",\"type\":\"JSON\"},"
          + "{\"name\":\"r\",\"type\":\"RECORD\",\"fields\":[{\"name\":\"x\",\"type\":\"INT64\"},"
          + "  {\"name\":\"when\",\"type\":\"TIMESTAMP\"},{\"name\":\"tags\",\"type\":\"STRING\",\"mode\":\"REPEATED\"}]},"
          + "{\"name\":\"rep\",\"type\":\"INT64\",\"mode\":\"REPEATED\"},"
          + "{\"name\":\"recs\",\"type\":\"RECORD\",\"mode\":\"REPEATED\",\"fields\":[{\"name\":\"k\",\"type\":\"STRING\"}]},"
          + "{\"name\":\"nothing\",\"type\":\"STRING\"}]");
      bq.server.createTable("types", "t", schema);
      JsonNode row = MAPPER.readTree("{\"s\":\"héllo\",\"i\":42,\"big\":9007199254740993,\"f\":2.5,"
          + "\"b\":true,\"ts\":\"2024-01-01 00:00:00.123456 UTC\",\"d\":\"2024-02-29\","
          + "\"n\":\"12345678901234567890.123456789\",\"j\":\"{\\\"a\\\":[1,{\\\"b\\\":null}]}\","
          + "\"r\":{\"x\":7,\"when\":\"2024-01-01T00:00:01.000001Z\",\"tags\":[\"p\",\"q\"]},"
          + "\"rep\":[1,2,3],\"recs\":[{\"k\":\"u\"},{\"k\":\"v\"}],\"nothing\":null}");
      bq.server.insert("types", "t", List.of(row));

      TableResult result = bq.client.query(QueryJobConfiguration.newBuilder(
          "SELECT s, i, big, f, b, ts, d, n, j, r, rep, recs, nothing FROM `any-project.types.t`")
          .setUseLegacySql(false).build());
      JsonNode json = BigQueryRows.toJson(result.getSchema().getFields(),
          result.iterateAll().iterator().next());

      JsonNode expected = MAPPER.readTree("{\"s\":\"héllo\",\"i\":42,\"big\":\"9007199254740993\","
          + "\"f\":2.5,\"b\":true,\"ts\":\"2024-01-01T00:00:00.123456Z\",\"d\":\"2024-02-29\","
          + "\"n\":\"12345678901234567890.123456789\",\"j\":{\"a\":[1,{\"b\":null}]},"
          + "\"r\":{\"x\":7,\"when\":\"2024-01-01T00:00:01.000001Z\",\"tags\":[\"p\",\"q\"]},"
          + "\"rep\":[1,2,3],\"recs\":[{\"k\":\"u\"},{\"k\":\"v\"}],\"nothing\":null}");
      assertTrue(JsonComparison.same(expected, json), "expected " + expected + "\n but was " + json);
      assertTrue(json.get("i").isIntegralNumber() && json.get("f").isFloatingPointNumber()
          && json.get("b").isBoolean(), json.toString());
    }
  }

  @Test
  void timestampsHaveSixFractionalDigitsEitherSideOfTheEpoch() {
    assertEquals("1970-01-01T00:00:00.000000Z", BigQueryRows.timestampText(0));
    assertEquals("1969-12-31T23:59:59.999999Z", BigQueryRows.timestampText(-1));
    assertEquals("2024-01-01T00:00:00.000010Z", BigQueryRows.timestampText(1_704_067_200_000_010L));
    assertEquals("2024-01-01T00:00:00.123456Z", BigQueryRows.timestampText(1_704_067_200_123_456L));
  }
}
