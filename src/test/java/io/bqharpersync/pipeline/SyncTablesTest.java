package io.bqharpersync.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncTablesTest {
  @TempDir Path dir;
  private Path password;

  @BeforeEach
  void passwordFile() throws Exception {
    password = dir.resolve("password");
    Files.writeString(password, "pw");
  }

  /** A job's options from a pipeline file whose {@code tables} is {@code tablesYaml}. */
  private SyncOptions job(String tablesYaml, String... args) throws Exception {
    Path file = dir.resolve("two.yaml");
    Files.writeString(file, """
        harperNodes: [http://127.0.0.1:9925, http://127.0.0.2:9925]
        harperPasswordFile: %s
        mode: continuous
        pollInterval: 3s
        syncName: both
        tables:
        %s""".formatted(password, tablesYaml));
    List<String> all = new ArrayList<>(List.of("--pipelineFile=" + file));
    all.addAll(List.of(args));
    return PipelineFile.options(all.toArray(new String[0]), SyncOptions.class);
  }

  private static final String TWO = """
        - sourceTable: my-project.shop.orders
          idColumn: orderId
          cursorColumn: updatedAt
          columns: [orderId, updatedAt, total]
          shards: 2
          harperTable: Orders
        - sourceTable: my-project.shop.devices
          shards: 5
          lookback: 10m
          harperTable: Devices
        """;

  @Test
  void eachTableIsTheJobsOptionsWithItsOwnOnTop() throws Exception {
    List<SyncConfig> tables = SyncTables.configs(job(TWO));

    assertEquals(2, tables.size());
    SyncConfig orders = tables.get(0);
    assertEquals("orders", orders.syncName(), "a table's sync name is its source's, not the job's");
    assertEquals("orderId", orders.source().idColumn());
    assertEquals("updatedAt", orders.source().cursorColumn());
    assertEquals(List.of("orderId", "updatedAt", "total"), orders.source().columns());
    assertEquals(2, orders.reading().shards());
    assertEquals("Orders", orders.target().table());
    SyncConfig devices = tables.get(1);
    assertEquals("devices", devices.syncName());
    assertEquals("id", devices.source().idColumn(), "the default of an option neither sets");
    assertEquals(5, devices.reading().shards());
    assertEquals(Duration.ofMinutes(10), devices.reading().lookback());
    assertEquals("Devices", devices.target().table());
    for (SyncConfig table : tables) {
      assertEquals(SyncMode.CONTINUOUS, table.mode());
      assertEquals(Duration.ofSeconds(3), table.reading().pollInterval(), "the job's own value");
      assertEquals(2, table.target().connection().nodeCount());
    }
    assertEquals("both", SyncTables.jobSyncName(job(TWO)));
  }

  @Test
  void withoutTablesTheJobIsItsOneTable() {
    SyncOptions options = PipelineFile.options(new String[] {"--sourceTable=my-project.d.readings",
        "--harperNodes=http://127.0.0.1:9925", "--harperPasswordFile=" + password},
        SyncOptions.class);
    List<SyncConfig> tables = SyncTables.configs(options);
    assertEquals(1, tables.size());
    assertEquals("readings", tables.get(0).syncName());
    assertEquals("readings", SyncTables.jobSyncName(options));
  }

  @Test
  void aTablesBadOptionIsNamedWithTheTable() throws Exception {
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> SyncTables.configs(job(TWO.replace("shards: 5", "shards: 0"))));
    assertTrue(zero.getMessage().startsWith("tables[1] (my-project.shop.devices): --shards"),
        zero.getMessage());

    IllegalArgumentException jobLevel = assertThrows(IllegalArgumentException.class,
        () -> SyncTables.configs(job(TWO.replace("shards: 5", "mode: backfill"))));
    assertTrue(jobLevel.getMessage().startsWith("--tables: tables[1]: 'mode' is not an "
        + "option a table can set"), jobLevel.getMessage());

    IllegalArgumentException notANumber = assertThrows(IllegalArgumentException.class,
        () -> SyncTables.configs(job(TWO.replace("shards: 5", "shards: many"))));
    assertTrue(notANumber.getMessage().startsWith("--tables: tables[1]: shards:"),
        notANumber.getMessage());

    IllegalArgumentException sameName = assertThrows(IllegalArgumentException.class,
        () -> SyncTables.configs(job(TWO.replace("lookback: 10m", "syncName: orders"))));
    assertTrue(sameName.getMessage().startsWith("tables[1] (my-project.shop.devices): --syncName: 'orders'"),
        sameName.getMessage());
  }

  @Test
  void eachTablesStepsAreUnderItsSyncName() throws Exception {
    SyncOptions options = job(TWO);
    Pipeline pipeline = Pipeline.create(options);
    SyncPipeline.build(pipeline, SyncTables.configs(options), Instant.now());

    List<String> topLevel = new ArrayList<>();
    pipeline.traverseTopologically(new Pipeline.PipelineVisitor.Defaults() {
      @Override
      public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
        if (!node.isRootNode() && !node.getFullName().contains("/")) {
          topLevel.add(node.getFullName());
        }
        return node.isRootNode() ? CompositeBehavior.ENTER_TRANSFORM
            : CompositeBehavior.DO_NOT_ENTER_TRANSFORM;
      }
    });
    assertEquals(List.of("orders", "devices"), topLevel);
  }

  @Test
  void theShippedExampleOfSeveralTablesParses() {
    SyncOptions options = PipelineFile.options(new String[] {
        "--pipelineFile=pipelines/shop-bigquery.yaml", "--harperPasswordFile=" + password},
        SyncOptions.class);
    List<SyncConfig> tables = SyncTables.configs(options);
    assertEquals(List.of("orders", "customers"), tables.stream().map(SyncConfig::syncName).toList());
    assertEquals(Duration.ofSeconds(30), tables.get(1).reading().pollInterval());
    assertEquals(Duration.ofSeconds(5), tables.get(0).reading().pollInterval());
  }
}
