package io.bqharpersync.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.TableId;
import io.bqharpersync.bqlocal.RunningStandIn;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TelemetryGeneratorTest {
  @Test
  void insertsAtTheSetRateWithTiesAndLateRows() throws Exception {
    try (RunningStandIn bq = new RunningStandIn()) {
      TableId table = TableId.of("test-project", "gen", "t");
      TelemetryTable.create(bq.client, table);
      TelemetryGenerator gen = new TelemetryGenerator("g");
      long started = System.nanoTime();
      long inserted = gen.insertAtRate(bq.client, table, 0, 1000, Duration.ofSeconds(2), 4, 50,
          Duration.ofMinutes(10));
      double seconds = (System.nanoTime() - started) / 1e9;
      assertTrue(inserted >= 1800 && inserted <= 2100, "inserted " + inserted);
      assertTrue(seconds < 3.0, "took " + seconds + " s");

      List<FieldValueList> rows = bq.query("SELECT id, timestamp FROM `test-project.gen.t` "
          + "ORDER BY id", Map.of());
      assertEquals(inserted, rows.size());
      long ties = 0;
      long late = 0;
      for (int i = 1; i < rows.size(); i++) {
        long ts = rows.get(i).get("timestamp").getTimestampValue();
        long previous = rows.get(i - 1).get("timestamp").getTimestampValue();
        if (ts == previous) {
          ties++;
        }
        if (ts < previous - 60_000_000L) {
          late++;
        }
      }
      assertTrue(ties > inserted / 2, "ties " + ties);
      assertEquals(inserted / 50, late, 1);
    }
  }

  @Test
  void badRowsLackWhatTheirKindSays() {
    TelemetryGenerator gen = new TelemetryGenerator("b");
    assertNull(gen.badRow(1, 5, TelemetryGenerator.Bad.NULL_ID, 0).get("id"));
    assertNull(gen.badRow(1, 5, TelemetryGenerator.Bad.NULL_TIMESTAMP, 0).get("timestamp"));
    String data = (String) gen.badRow(1, 5, TelemetryGenerator.Bad.OVERSIZED_PAYLOAD, 2_000_000).get("data");
    assertTrue(data.length() > 2_000_000);
  }
}
