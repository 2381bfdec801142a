package io.bqharpersync.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.bigquery.TableId;
import io.bqharpersync.bqlocal.RunningStandIn;
import io.bqharpersync.options.BigQuerySourceOptions;
import io.bqharpersync.record.SyncVersion;
import io.bqharpersync.retry.RetryPolicy;
import io.bqharpersync.source.BigQueryShardReader;
import io.bqharpersync.source.ShardQuery;
import io.bqharpersync.source.SourceRow;
import io.bqharpersync.source.SourceTable;
import io.bqharpersync.source.TableQueries;
import io.bqharpersync.tools.TelemetryGenerator;
import io.bqharpersync.tools.TelemetryTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/**
 * The source side of an audit: one entry per key, and of rows tying on a key's newest timestamp
 * the one Harper keeps (the greatest version), whatever order they arrive in.
 */
class SourceVersionsTest {
  private static final long T = 1_704_067_200_000_000L;

  @Test
  void aTieOnTheNewestTimestampResolvesToTheGreatestVersion() throws Exception {
    try (RunningStandIn bq = new RunningStandIn()) {
      TableId id = TableId.of("test-project", "audit", "ties");
      TelemetryTable.create(bq.client, id);
      TelemetryGenerator gen = new TelemetryGenerator("k");
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        Map<String, Object> row = gen.row(i, T + 1_000_000L);
        row.put("id", "tied");
        rows.add(row);
      }
      Map<String, Object> older = gen.row(10, T);
      older.put("id", "tied");
      rows.add(older);
      TelemetryTable.insert(bq.client, id, rows);
      SourceTable table = SourceTable.from(options("test-project.audit.ties"), Duration.ofSeconds(30))
          .resolved(List.of("id", "timestamp", "deviceId", "reading", "data"),
              ShardQuery.IdType.STRING);
      TableQueries queries = table.queries();
      BigQueryShardReader reader = new BigQueryShardReader(bq.client, RetryPolicy.defaults(), () -> {});
      // Every tied row, as the reader sends it: the greatest version is what Harper keeps.
      List<String> tiedVersions = reader.fold(queries, queries.newestRows(null, null, 16, null),
          ArrayList::new, (List<String> versions, SourceRow r) -> versions.add(
              SyncVersion.stamp(r.json(), r.timestampMicros()).path(SyncVersion.FIELD).asText()));
      assertEquals(6, tiedVersions.size(), "the statement returns every row of the tie");
      String greatest = tiedVersions.stream().max(String::compareTo).orElseThrow();

      List<SourceVersions.Newest> newest = SourceVersions.fold(reader, queries,
          queries.newestRows(null, null, 16, null), ArrayList::new, List::add);
      assertEquals(1, newest.size(), "one entry per key");
      assertEquals(greatest, newest.get(0).version());
      ObjectNode json = newest.get(0).json();
      assertEquals(greatest, json.path(SyncVersion.FIELD).asText(), "the row carries its version");
      assertEquals(T + 1_000_000L, SyncVersion.micros(greatest));
    }
  }

  private static BigQuerySourceOptions options(String table) {
    BigQuerySourceOptions options = PipelineOptionsFactory.as(BigQuerySourceOptions.class);
    options.setSourceTable(table);
    return options;
  }
}
