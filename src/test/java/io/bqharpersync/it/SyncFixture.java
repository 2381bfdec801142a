package io.bqharpersync.it;

import io.bqharpersync.tools.LocalHarperCluster;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.TableId;
import io.bqharpersync.checkpoint.CheckpointStore;
import io.bqharpersync.checkpoint.ShardCheckpoint;
import io.bqharpersync.checkpoint.ShardLayout;
import io.bqharpersync.options.BigQuerySourceOptions;
import io.bqharpersync.harper.DeadLetter;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.tools.ClusterVerifier;
import io.bqharpersync.tools.SourceSnapshot;
import io.bqharpersync.tools.TelemetryGenerator;
import io.bqharpersync.tools.TelemetryTable;
import io.bqharpersync.pipeline.SyncOptions;
import io.bqharpersync.retry.RetryPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** One sync under test: its source table in a BigQuery stand-in, its name, its options. */
final class SyncFixture {
  static final String DB = "data";
  static final String TABLE = "BigQueryData";

  final String name;
  final TableId table;
  final String endpoint;

  SyncFixture(BigQuery bigquery, String endpoint, String test) {
    this.name = LocalHarperCluster.uniquePrefix(test);
    this.table = TableId.of("test-project", "it", name.replace('-', '_'));
    this.endpoint = endpoint;
    TelemetryTable.create(bigquery, table);
  }

  String sourceTable() {
    return TelemetryTable.qualifiedName(table);
  }

  /** Device {@code d}'s key in this sync's table. */
  String device(int d) {
    return name + "-device-" + d;
  }

  /**
   * Inserts {@code reports} rows per device of {@code devices}, the devices reporting in turn one
   * second apart from {@code startMicros}: several rows per key, each key's newest row known.
   */
  void insertDeviceReports(BigQuery bigquery, int devices, int reports, long startMicros) {
    TelemetryGenerator generator = new TelemetryGenerator(name);
    List<java.util.Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < devices * reports; i++) {
      java.util.Map<String, Object> row = generator.row(i, startMicros + i * 1_000_000L);
      row.put("id", device(i % devices));
      rows.add(row);
    }
    TelemetryTable.insert(bigquery, table, rows);
  }

  /** Command-line style options for this sync against the local cluster; {@code extra} wins. */
  List<String> args(String mode, int shards, String... extra) {
    List<String> args = new ArrayList<>(List.of(
        "--sourceTable=" + sourceTable(),
        "--bigQueryEndpoint=" + endpoint,
        "--harperNodes=" + String.join(",", LocalHarperCluster.connection().nodes()),
        "--harperUser=" + LocalHarperCluster.connection().username(),
        "--harperPasswordFile=" + passwordFile(),
        "--syncName=" + name,
        "--mode=" + mode,
        "--shards=" + shards));
    args.addAll(List.of(extra));
    // A later value of an option replaces an earlier one, as on SyncMain's command line.
    java.util.Map<String, String> byName = new java.util.LinkedHashMap<>();
    for (String arg : args) {
      byName.put(arg.substring(0, arg.indexOf('=')), arg);
    }
    return new ArrayList<>(byName.values());
  }

  SyncOptions options(boolean blockOnRun, List<String> args) {
    SyncOptions options = PipelineOptionsFactory.fromArgs(args.toArray(new String[0]))
        .withValidation().as(SyncOptions.class);
    DirectOptions direct = options.as(DirectOptions.class);
    direct.setBlockOnRun(blockOnRun);
    direct.setEnforceImmutability(false);
    direct.setEnforceEncodability(false);
    return options;
  }

  static Path passwordFile() {
    try {
      Path file = Path.of("target", "it-harper-password");
      Files.createDirectories(file.getParent());
      Files.writeString(file, LocalHarperCluster.password());
      return file.toAbsolutePath();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Compares every node with the source table: every id, every field, nothing extra. */
  static List<ClusterVerifier.NodeReport> verify(HarperClient client, SourceSnapshot source,
      String idPrefix, Duration settle) throws InterruptedException {
    return new ClusterVerifier(client, DB, TABLE)
        .verify(idPrefix, source.rows.size(), id -> source.rows.get(id), settle);
  }

  /** Shard {@code shard}'s checkpoint, of the default partition expression and {@code shards}. */
  Optional<ShardCheckpoint> checkpoint(HarperClient client, int shards, int shard) {
    String partition = PipelineOptionsFactory.as(BigQuerySourceOptions.class).getPartitionExpression();
    return new CheckpointStore(client, DB, RetryPolicy.defaults())
        .read(new ShardLayout(name, partition, shards), shard);
  }

  /** The attempted value of a Beam counter of {@code namespace}, summed over steps. */
  static long counter(PipelineResult result, Class<?> namespace, String name) {
    long total = 0;
    for (MetricResult<Long> counter : result.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.named(namespace, name)).build()).getCounters()) {
      total += counter.getAttempted();
    }
    return total;
  }

  /** This sync's dead letters, from every node (replication copies them everywhere). */
  List<JsonNode> deadLetters(HarperClient client) {
    java.util.Map<String, JsonNode> rows = new java.util.TreeMap<>();
    for (int slot = 0; slot < client.connection().nodeCount(); slot++) {
      DeadLetter.scan(client, slot, DB, name, letter -> rows.put(letter.path("id").asText(), letter));
    }
    return new ArrayList<>(rows.values());
  }
}
