package io.bqharpersync.bqlocal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.TableId;
import com.google.common.hash.Hashing;
import io.bqharpersync.tools.TelemetryGenerator;
import io.bqharpersync.tools.TelemetryTable;
import java.io.ByteArrayOutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The stand-in's SQL semantics, driven through the real google-cloud-bigquery client. */
class BigQueryStandInTest {
  private static RunningStandIn bq;

  @BeforeAll
  static void start() throws Exception {
    bq = new RunningStandIn();
  }

  @AfterAll
  static void stop() throws Exception {
    bq.close();
  }

  private static FieldValueList one(String sql, Map<String, QueryParameterValue> params)
      throws InterruptedException {
    List<FieldValueList> rows = bq.query(sql, params);
    assertEquals(1, rows.size());
    return rows.get(0);
  }

  @Test
  void guavaGivesBigQuerysPublishedFingerprints() {
    assertEquals(-1541654101129638711L, guava("1footrue"));
    assertEquals(2794438866806483259L, guava("2applefalse"));
    assertEquals(-4880158226897771312L, guava("3true"));
  }

  private static long guava(String s) {
    return Hashing.farmHashFingerprint64().hashString(s, StandardCharsets.UTF_8).asLong();
  }

  @Test
  void standInFingerprintAgreesWithGuava() throws Exception {
    for (String s : List.of("1footrue", "2applefalse", "3true", "", "é", "2024-01-01 00:00:00.5+00",
        "a much longer string with more than sixty-four bytes in it, to cross farmhash's branches")) {
      FieldValueList row = one("SELECT FARM_FINGERPRINT(@s) AS f", Map.of("s", QueryParameterValue.string(s)));
      assertEquals(guava(s), row.get("f").getLongValue(), s);
    }
  }

  @Test
  void modTakesTheSignOfItsFirstArgument() throws Exception {
    FieldValueList row = one("SELECT MOD(@a, 3) AS m, MOD(@b, 3) AS n, ABS(@a) AS x",
        Map.of("a", QueryParameterValue.int64(-7L), "b", QueryParameterValue.int64(7L)));
    assertEquals(-1, row.get("m").getLongValue());
    assertEquals(1, row.get("n").getLongValue());
    assertEquals(7, row.get("x").getLongValue());
  }

  @Test
  void absOfInt64MinFailsTheQueryAsBigQueryDoes() {
    BigQueryException e = assertThrows(BigQueryException.class,
        () -> bq.query("SELECT ABS(@v) AS a", Map.of("v", QueryParameterValue.int64(Long.MIN_VALUE))));
    assertEquals(400, e.getCode());
    assertTrue(e.getMessage().contains("int64 overflow"), e.getMessage());
  }

  @Test
  void timestampsKeepMicrosecondsAndCastToBigQuerysText() throws Exception {
    TableId table = TableId.of("test-project", "casts", "t");
    TelemetryTable.create(bq.client, table);
    TelemetryGenerator gen = new TelemetryGenerator("c");
    TelemetryTable.insert(bq.client, table, List.of(
        gen.row(1, 1_704_067_200_123_456L), gen.row(2, 1_704_067_200_500_000L),
        gen.row(3, 1_704_067_200_000_000L)));
    List<FieldValueList> rows = bq.query(
        "SELECT id, timestamp, CAST(timestamp AS STRING) AS text, UNIX_MICROS(timestamp) AS micros, "
            + "CAST(UNIX_MICROS(timestamp) AS STRING) AS micros_text "
            + "FROM `test-project.casts.t` ORDER BY id", Map.of());
    assertEquals(1_704_067_200_123_456L, rows.get(0).get("timestamp").getTimestampValue());
    assertEquals("2024-01-01 00:00:00.123456+00", rows.get(0).get("text").getStringValue());
    assertEquals("2024-01-01 00:00:00.5+00", rows.get(1).get("text").getStringValue());
    assertEquals("2024-01-01 00:00:00+00", rows.get(2).get("text").getStringValue());
    assertEquals(1_704_067_200_123_456L, rows.get(0).get("micros").getLongValue());
    assertEquals("1704067200123456", rows.get(0).get("micros_text").getStringValue());
  }

  @Test
  void countAndBitXorAggregate() throws Exception {
    TableId table = TableId.of("test-project", "aggs", "t");
    TelemetryTable.create(bq.client, table);
    TelemetryGenerator gen = new TelemetryGenerator("x");
    TelemetryTable.insert(bq.client, table, gen.rows(0, 50, 1_704_067_200_000_000L, 1000, 1));
    FieldValueList row = one("SELECT COUNT(*) AS n, BIT_XOR(FARM_FINGERPRINT(id)) AS d "
        + "FROM `test-project.aggs.t`", Map.of());
    long expected = 0;
    for (int i = 0; i < 50; i++) {
      expected ^= guava(gen.id(i));
    }
    assertEquals(50, row.get("n").getLongValue());
    assertEquals(expected, row.get("d").getLongValue());
  }

  @Test
  void resultsPageThroughPageTokens() throws Exception {
    TableId table = TableId.of("test-project", "paging", "t");
    TelemetryTable.create(bq.client, table);
    TelemetryTable.insert(bq.client, table,
        new TelemetryGenerator("p").rows(0, 2500, 1_704_067_200_000_000L, 1000, 1));
    bq.server.pageRows(300);
    try {
      List<FieldValueList> rows = bq.query(
          "SELECT id FROM `test-project.paging.t` ORDER BY id", Map.of());
      assertEquals(2500, rows.size());
      assertEquals("p-000000000", rows.get(0).get("id").getStringValue());
      assertEquals("p-000002499", rows.get(2499).get("id").getStringValue());
    } finally {
      bq.server.pageRows(10_000);
    }
  }

  @Test
  void acceptsGzipBodiesAndAnyProject() throws Exception {
    byte[] body = "{\"query\":\"SELECT 1 AS one\",\"useLegacySql\":false}".getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(body);
    }
    HttpURLConnection http = (HttpURLConnection) new URL(
        bq.server.endpoint() + "/bigquery/v2/projects/any-other-project/queries").openConnection();
    http.setRequestMethod("POST");
    http.setDoOutput(true);
    http.setRequestProperty("Content-Encoding", "gzip");
    http.setRequestProperty("Content-Type", "application/json");
    http.getOutputStream().write(gz.toByteArray());
    assertEquals(200, http.getResponseCode());
    String reply = new String(http.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(reply.contains("\"jobComplete\":true") && reply.contains("\"v\":\"1\""), reply);
  }

  @Test
  void missingTableAndBadColumnAreClearErrors() {
    BigQueryException missing = assertThrows(BigQueryException.class,
        () -> bq.query("SELECT id FROM `test-project.nope.t`", Map.of()));
    assertEquals(404, missing.getCode());
    assertTrue(missing.getMessage().contains("nope.t"), missing.getMessage());
  }

  @Test
  void aColumnAddedThroughTheClientsUpdateIsNullInOldRowsAndWritableInNewOnes() throws Exception {
    TableId table = TableId.of("test-project", "standin", "grows");
    TelemetryTable.create(bq.client, table);
    TelemetryTable.insert(bq.client, table, List.of(Map.of("id", "old", "timestamp", 1.0)));
    Table before = bq.client.getTable(table);
    List<Field> grown = new ArrayList<>(before.getDefinition().getSchema().getFields());
    grown.add(Field.of("site", StandardSQLTypeName.STRING));
    bq.client.update(before.toBuilder().setDefinition(StandardTableDefinition.of(Schema.of(grown))).build());
    TelemetryTable.insert(bq.client, table, List.of(Map.of("id", "new", "timestamp", 2.0, "site", "x")));

    assertEquals(6, bq.client.getTable(table).getDefinition().getSchema().getFields().size());
    List<FieldValueList> rows = bq.query(
        "SELECT * FROM `test-project.standin.grows` ORDER BY id", Map.of());
    assertEquals("x", rows.get(0).get("site").getStringValue());
    assertTrue(rows.get(1).get("site").isNull());

    List<Field> dropped = new ArrayList<>(grown.subList(1, grown.size()));
    BigQueryException refused = assertThrows(BigQueryException.class, () -> bq.client.update(
        before.toBuilder().setDefinition(StandardTableDefinition.of(Schema.of(dropped))).build()));
    assertEquals(400, refused.getCode());
  }

  @Test
  void bindsLoopbackOnly() {
    assertThrows(IllegalArgumentException.class, () -> BigQueryStandIn.start("0.0.0.0", 0));
    assertTrue(bq.server.endpoint().startsWith("http://127."));
  }
}
