package io.bqharpersync.bqlocal;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.TableResult;
import io.bqharpersync.source.BigQueryShardReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A stand-in on an ephemeral loopback port, and the real client pointed at it. */
public final class RunningStandIn implements AutoCloseable {
  public final BigQueryStandIn server;
  public final BigQuery client;

  public RunningStandIn() throws Exception {
    this(Duration.ofSeconds(30));
  }

  public RunningStandIn(Duration requestTimeout) throws Exception {
    server = BigQueryStandIn.start("127.0.0.1", 0);
    client = BigQueryShardReader.client("test-project", server.endpoint(), requestTimeout);
  }

  /** Runs a query through the client and returns its rows. */
  public List<FieldValueList> query(String sql, Map<String, QueryParameterValue> parameters)
      throws InterruptedException {
    TableResult result = client.query(QueryJobConfiguration.newBuilder(sql)
        .setNamedParameters(parameters).setUseLegacySql(false).build());
    List<FieldValueList> rows = new ArrayList<>();
    result.iterateAll().forEach(rows::add);
    return rows;
  }

  @Override
  public void close() throws Exception {
    server.close();
  }
}
