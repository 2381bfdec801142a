package io.bqharpersync.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqharpersync.bqlocal.RunningStandIn;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.pipeline.SyncOptions;
import io.bqharpersync.tools.LocalHarperCluster;
import io.bqharpersync.tools.SourceSnapshot;
import io.bqharpersync.tools.TelemetryGenerator;
import io.bqharpersync.tools.TelemetryTable;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled job jar, as {@code scripts/sync} runs it: what it holds, its help, its exit status
 * on a configuration error, and a whole backfill run from it.
 */
class JobJarIT {
  private static final Path JAR = Path.of("target", "bq-harper-sync-job.jar");

  @Test
  void theJarHoldsTheJobAndItsRunnersButNoLocalTooling() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      List<String> names = new ArrayList<>();
      jar.stream().forEach(entry -> names.add(entry.getName()));
      for (String absent : List.of("io/bqharpersync/bqlocal/", "io/bqharpersync/tools/", "org/h2/")) {
        assertFalse(names.stream().anyMatch(n -> n.startsWith(absent)), absent + " is in the jar");
      }
      for (String present : List.of("io/bqharpersync/pipeline/SyncMain.class",
          "io/bqharpersync/audit/DriftCheck.class")) {
        assertTrue(names.contains(present), present + " is missing");
      }
      assertEquals("io.bqharpersync.pipeline.SyncMain",
          jar.getManifest().getMainAttributes().getValue("Main-Class"));
      // Beam finds its runners through service files; the shaded jar must merge them, not keep one.
      String runners = new String(jar.getInputStream(jar.getEntry(
          "META-INF/services/org.apache.beam.sdk.runners.PipelineRunnerRegistrar")).readAllBytes(),
          StandardCharsets.UTF_8);
      for (String runner : List.of("DirectRegistrar", "FlinkRunnerRegistrar", "DataflowPipelineRegistrar")) {
        assertTrue(runners.contains(runner), runner + " not registered: " + runners);
      }
    }
  }

  @Test
  void helpListsEveryOptionWithItsDescriptionAndDefault() throws Exception {
    ScriptRun help = script("scripts/sync", List.of("--help"));
    assertEquals(0, help.exit(), help.output());
    int options = 0;
    for (Method getter : SyncOptions.class.getMethods()) {
      Description description = getter.getAnnotation(Description.class);
      if (description == null || !getter.getDeclaringClass().getName().startsWith("io.bqharpersync")) {
        continue;
      }
      options++;
      String name = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
      assertTrue(help.output().contains("--" + name + "="), "--" + name + " missing from --help");
      String firstWords = description.value().substring(0, Math.min(30, description.value().length()));
      assertTrue(help.output().contains(firstWords), "description of --" + name + " missing");
      Default.String text = getter.getAnnotation(Default.String.class);
      Default.Integer number = getter.getAnnotation(Default.Integer.class);
      String defaultValue = text != null ? text.value() : number != null ? "" + number.value() : null;
      if (defaultValue != null && !defaultValue.isEmpty()) {
        assertTrue(help.output().contains("Default: " + defaultValue), "default of --" + name);
      }
    }
    assertTrue(options >= 30, "only " + options + " options found");
  }

  @Test
  void aBadOptionExitsWithStatusTwoNamingIt() throws Exception {
    ScriptRun run = script("scripts/sync", List.of("--sourceTable=my-project.d.t", "--harperNodes=http://127.0.0.1:9925",
        "--shards=0"));
    assertEquals(2, run.exit(), run.output());
    assertTrue(run.output().contains("configuration error: --shards:"), run.output());
    assertFalse(run.output().contains(LocalHarperCluster.password()), "the password printed");
  }

  @Test
  void aBackfillRunFromTheJarFinishesWithStatusZeroAndTheDriftCheckFindsAndRepairsALostKey() throws Exception {
    try (RunningStandIn bigquery = new RunningStandIn(); HarperClient harper = LocalHarperCluster.client()) {
      SyncFixture sync = new SyncFixture(bigquery.client, bigquery.server.endpoint(), "jar");
      long now = Instant.now().toEpochMilli() * 1000;
      TelemetryTable.insert(bigquery.client, sync.table,
          new TelemetryGenerator(sync.name).rows(0, 2_000, now - 600_000_000L, 100_000L, 2));
      List<String> args = sync.args("backfill", 3);
      args.add("--runnerConfig=runner-configs/direct.yaml");
      args.add("--progressInterval=1s");
      ScriptRun run = script("scripts/sync", args);
      assertEquals(0, run.exit(), run.output());
      assertTrue(run.output().contains("sync job ended: DONE"), run.output());
      // Progress while it ran, and a last line once done: every row, the share of the source.
      List<String> progress = run.output().lines()
          .filter(line -> line.startsWith("progress: ")).toList();
      assertTrue(progress.size() >= 2, run.output());
      String last = progress.get(progress.size() - 1);
      assertTrue(last.startsWith("progress: 2,000 rows synced |") && last.contains("| 100% of 2,000 |")
          && last.contains(" s0=") && last.contains(" s2="), last);
      SourceSnapshot source = SourceSnapshot.read(bigquery.client, sync.table, "id", "timestamp");
      SyncFixture.verify(harper, source, sync.name, Duration.ofSeconds(30))
          .forEach(report -> assertTrue(report.ok(), report.toString()));

      // scripts/drift-check, from the same jar: clean, then a deleted key named, then repaired.
      args.add("--auditIdPrefix=" + sync.name);
      ScriptRun clean = script("scripts/drift-check", args);
      assertEquals(0, clean.exit(), clean.output());
      assertTrue(clean.output().contains("RESULT: no drift"), clean.output());
      String lost = new TelemetryGenerator(sync.name).id(100);
      ObjectNode delete = HarperClient.operation("delete", SyncFixture.DB, SyncFixture.TABLE);
      delete.putArray("ids").add(lost);
      harper.operation(0, delete);
      List<String> quick = new ArrayList<>(args);
      quick.add("--auditSettle=2s");
      ScriptRun drift = script("scripts/drift-check", quick);
      assertEquals(1, drift.exit(), drift.output());
      assertTrue(drift.output().contains("missing 1 [" + lost + "]"), drift.output());
      quick.add("--repair");
      ScriptRun repaired = script("scripts/drift-check", quick);
      assertEquals(0, repaired.exit(), repaired.output());
      assertTrue(repaired.output().contains("repaired 1"), repaired.output());
      SyncFixture.verify(harper, source, sync.name, Duration.ofSeconds(30))
          .forEach(report -> assertTrue(report.ok(), "after the repair: " + report));
    }
  }

  @Test
  void aDataflowOptionSetIsCheckedWholeAndStopsWhereGoogleCredentialsAreFirstNeeded(
      @TempDir Path noGcloudConfig) throws Exception {
    List<String> dataflow = List.of("--runner=DataflowRunner", "--project=my-project",
        "--region=us-central1", "--tempLocation=gs://my-bucket/temp",
        "--sourceTable=my-project.telemetry.readings", "--mode=continuous",
        "--harperNodes=" + String.join(",", LocalHarperCluster.connection().nodes()));
    // No credentials anywhere: no key file, an empty gcloud configuration, no metadata server.
    Map<String, String> env = new HashMap<>();
    env.put("GOOGLE_APPLICATION_CREDENTIALS", null);
    env.put("CLOUDSDK_CONFIG", noGcloudConfig.toString());
    env.put("NO_GCE_CHECK", "true");
    env.put("CLOUDSDK_COMPUTE_REGION", null);

    ScriptRun noRegion = ScriptRun.of(Duration.ofMinutes(2), "scripts/sync",
        without(dataflow, "--region="), env);
    assertEquals(2, noRegion.exit(), noRegion.output());
    assertTrue(noRegion.output().contains("configuration error: --region: required on Dataflow"),
        noRegion.output());
    ScriptRun localTemp = ScriptRun.of(Duration.ofMinutes(2), "scripts/sync",
        with(without(dataflow, "--tempLocation="), "--tempLocation=/tmp/dataflow"), env);
    assertEquals(2, localTemp.exit(), localTemp.output());
    assertTrue(localTemp.output().contains("--tempLocation: on Dataflow a gs:// path"),
        localTemp.output());
    ScriptRun badSyncOption = ScriptRun.of(Duration.ofMinutes(2), "scripts/sync",
        with(dataflow, "--pollInterval=soon"), env);
    assertEquals(2, badSyncOption.exit(), badSyncOption.output());
    assertTrue(badSyncOption.output().contains("configuration error: --pollInterval:"),
        badSyncOption.output());

    // Every option valid and Harper reachable: the first thing that needs Google is BigQuery.
    ScriptRun run = ScriptRun.of(Duration.ofMinutes(2), "scripts/sync", dataflow, env);
    assertEquals(2, run.exit(), run.output());
    assertTrue(run.output().contains("configuration error: --sourceTable: reading from BigQuery "
        + "needs Google Cloud credentials, and none were found"), run.output());
    assertFalse(run.output().contains("NullPointerException"), run.output());
    assertFalse(run.output().contains(LocalHarperCluster.password()), "the password printed");

    // As on Dataflow, the password in Secret Manager: reading it is the first use of Google.
    ScriptRun secret = ScriptRun.of(Duration.ofMinutes(2), "scripts/sync", with(dataflow,
        "--harperPasswordSecret=projects/my-project/secrets/harper/versions/latest"), env);
    assertEquals(2, secret.exit(), secret.output());
    assertTrue(secret.output().contains("configuration error: --harperPasswordSecret: reading "
        + "projects/my-project/secrets/harper/versions/latest needs Google Cloud credentials, and "
        + "none were found"), secret.output());
  }

  private static List<String> without(List<String> args, String prefix) {
    return args.stream().filter(arg -> !arg.startsWith(prefix)).toList();
  }

  private static List<String> with(List<String> args, String arg) {
    List<String> more = new ArrayList<>(args);
    more.add(arg);
    return more;
  }

  private static ScriptRun script(String script, List<String> args) throws Exception {
    return ScriptRun.of(Duration.ofMinutes(5), script, args);
  }
}
