package io.bqharpersync.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.StreamingOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunnerDefaultsTest {
  @TempDir static Path dir;
  private static final String[] FLINK_CLUSTER = {"--runner=FlinkRunner", "--flinkMaster=127.0.0.1:8081"};
  private static final String[] MINI_CLUSTER = {"--runner=FlinkRunner", "--flinkMaster=[local]"};

  /** The options of {@code args} after {@link RunnerDefaults#apply}, given those args. */
  private static SyncOptions applied(String mode, String[] runner, String... more) {
    Path password = dir.resolve("password");
    try {
      Files.writeString(password, "pw");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> args = new ArrayList<>(List.of("--sourceTable=my-project.telemetry.readings",
        "--harperNodes=http://127.0.0.1:9925", "--harperPasswordFile=" + password,
        "--syncName=Readings_1", "--mode=" + mode));
    args.addAll(List.of(runner));
    args.addAll(List.of(more));
    String[] given = args.toArray(new String[0]);
    SyncOptions options = PipelineOptionsFactory.fromArgs(given).as(SyncOptions.class);
    RunnerDefaults.apply(options, given);
    return options;
  }

  private static boolean streaming(SyncOptions options) {
    return options.as(StreamingOptions.class).isStreaming();
  }

  private static FlinkPipelineOptions flink(SyncOptions options) {
    return options.as(FlinkPipelineOptions.class);
  }

  @Test
  void theJobIsNamedAfterTheSyncUnlessNamed() {
    assertEquals("bq-harper-sync-readings-1",
        applied("backfill", new String[] {"--runner=DirectRunner"}).getJobName());
    assertEquals("mine",
        applied("backfill", new String[] {"--runner=DirectRunner"}, "--jobName=mine").getJobName());
  }

  @Test
  void aBackfillOnAFlinkClusterIsStreamedAndEndsWhenItsSourcesAreRead() {
    SyncOptions backfill = applied("backfill", FLINK_CLUSTER);
    assertTrue(streaming(backfill), "read, written and committed at once, not stage by stage");
    assertEquals(0L, flink(backfill).getShutdownSourcesAfterIdleMs(), "the job ends");
    assertTrue(flink(backfill).getAttachedMode(), "the client waits for the end of a backfill");

    assertFalse(streaming(applied("backfill", FLINK_CLUSTER, "--streaming=false")),
        "an explicit --streaming=false is kept");
    assertEquals(60_000L, flink(applied("backfill", FLINK_CLUSTER, "--streaming=true",
        "--shutdownSourcesAfterIdleMs=60000")).getShutdownSourcesAfterIdleMs());
    assertFalse(streaming(applied("backfill", MINI_CLUSTER)), "the embedded cluster runs it in batch");
  }

  @Test
  void aContinuousSyncIsStreamedAndOnAFlinkClusterSubmittedDetached() {
    SyncOptions cluster = applied("continuous", FLINK_CLUSTER);
    assertTrue(streaming(cluster));
    assertFalse(flink(cluster).getAttachedMode(), "left running on the cluster");
    assertFalse(flink(cluster).getShutdownSourcesAfterIdleMs() == 0L,
        "a continuous job keeps its sources, and so its checkpoints");

    SyncOptions embedded = applied("continuous", MINI_CLUSTER);
    assertTrue(streaming(embedded));
    assertTrue(flink(embedded).getAttachedMode(),
        "in the submitting JVM, which would end the job if it returned");
    assertTrue(streaming(applied("continuous", new String[] {"--runner=DirectRunner"})));
    assertTrue(flink(applied("continuous", FLINK_CLUSTER, "--attachedMode=true")).getAttachedMode());
  }
}
