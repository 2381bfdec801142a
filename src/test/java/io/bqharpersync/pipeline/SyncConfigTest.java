package io.bqharpersync.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bqharpersync.options.DurationText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncConfigTest {
  @TempDir Path dir;

  private SyncOptions options(String... extra) throws Exception {
    Path password = dir.resolve("password");
    Files.writeString(password, "s3cret-pw\n");
    List<String> args = new ArrayList<>(List.of(
        "--sourceTable=my-project.telemetry.readings",
        "--harperNodes=http://127.0.0.1:9925,http://127.0.0.2:9925",
        "--harperPasswordFile=" + password));
    args.addAll(List.of(extra));
    return PipelineOptionsFactory.fromArgs(PipelineFile.expand(args.toArray(new String[0])))
        .as(SyncOptions.class);
  }

  private IllegalArgumentException refused(String... extra) throws Exception {
    SyncOptions options = options(extra);
    return assertThrows(IllegalArgumentException.class, () -> SyncConfig.from(options));
  }

  @Test
  void defaultsAreSensibleAndThePasswordNeverPrints() throws Exception {
    SyncConfig config = SyncConfig.from(options());
    assertEquals("readings", config.syncName());
    assertEquals("my-project", config.source().project());
    assertEquals(SyncMode.CONTINUOUS, config.mode());
    assertEquals(4, config.reading().shards());
    assertEquals(Duration.ofSeconds(1), config.reading().safetyLag());
    assertEquals(Duration.ofSeconds(2), config.reading().pollInterval());
    assertEquals(Duration.ofMinutes(10), config.reading().lookback());
    assertEquals(10_000_000L, config.reading().bucketMicros(), "a sixtieth of the lookback");
    assertEquals(2, config.target().connection().nodeCount());
    assertFalse(config.toString().contains("s3cret-pw"), config.toString());
  }

  @Test
  void eachBadOptionIsNamedInItsError() throws Exception {
    assertNames("--sourceTable", "--sourceTable=just-a-table");
    assertNames("--shards", "--shards=0");
    assertNames("--pageRows", "--pageRows=-1");
    assertNames("--mode", "--mode=sometimes");
    assertNames("--safetyLag", "--safetyLag=soon");
    assertNames("--pollInterval", "--pollInterval=0s");
    assertNames("--maxReadWindow", "--readWindow=2h", "--maxReadWindow=1h");
    assertNames("--batchSize", "--batchSize=lots");
    assertNames("--idColumn", "--idColumn=bad name");
    assertNames("--partitionExpression", "--partitionExpression=HASH");
    assertNames("--backfillUntil", "--backfillUntil=yesterday");
    assertNames("--harperNodes", "--harperNodes=ftp://x");
    assertNames("--harperNodes / --harperSeedNode", "--harperSeedNode=http://127.0.0.1:9925");
    assertNames("--syncName", "--syncName=a/b");
    assertNames("--rescanInterval", "--lookback=30s", "--rescanInterval=30s");
    assertNames("--harperRestPort", "--harperRestPort=70000");
  }

  private void assertNames(String option, String... args) throws Exception {
    String message = refused(args).getMessage();
    assertTrue(message.startsWith(option), option + " named in: " + message);
  }

  @Test
  void aMissingPasswordNamesTheVariableNotAValue() throws Exception {
    IllegalArgumentException e = refused("--harperPasswordFile=",
        "--harperPasswordEnv=BQ_HARPER_SYNC_TEST_UNSET_VARIABLE");
    assertTrue(e.getMessage().startsWith("--harperPasswordEnv"), e.getMessage());
    assertTrue(e.getMessage().contains("BQ_HARPER_SYNC_TEST_UNSET_VARIABLE"), e.getMessage());
  }

  @Test
  void readsAreHeldBackOnlyWhereWritesRunAlongside() throws Exception {
    SyncOptions backfill = options("--mode=backfill");
    assertTrue(SyncPipeline.pipelined(backfill, SyncConfig.from(backfill)), "DirectRunner");
    SyncOptions batch = options("--mode=backfill", "--runner=FlinkRunner");
    assertFalse(SyncPipeline.pipelined(batch, SyncConfig.from(batch)),
        "a batch runner reads everything before it writes anything");
    SyncOptions streaming = options("--mode=backfill", "--runner=FlinkRunner", "--streaming=true");
    assertTrue(SyncPipeline.pipelined(streaming, SyncConfig.from(streaming)));
    SyncOptions continuous = options("--mode=continuous", "--runner=FlinkRunner");
    assertTrue(SyncPipeline.pipelined(continuous, SyncConfig.from(continuous)));
  }

  @Test
  void durationsReadAsOperatorsWriteThem() {
    assertEquals(Duration.ofMillis(500), DurationText.parse("x", "500ms"));
    assertEquals(Duration.ofMinutes(5), DurationText.parse("x", "5m"));
    assertEquals(Duration.ofDays(30), DurationText.parse("x", "30d"));
    assertEquals(Duration.ofSeconds(90), DurationText.parse("x", "PT1M30S"));
  }
}
