package io.bqharpersync.dataflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bqharpersync.pipeline.PipelineFile;
import org.apache.beam.runners.dataflow.options.DataflowPipelineOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataflowTemplateTest {
  private static final Map<String, String> RUNNER_CONFIG =
      PipelineFile.read("runnerConfig", Path.of(DataflowTemplate.RUNNER_CONFIG));

  private static final String SECRET = "projects/my-project/secrets/harper/versions/latest";

  @TempDir Path dir;

  private static String[] with(String[] args, String... more) {
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }

  private static List<List<String>> commands(String... args) {
    return DataflowTemplate.parse(args, RUNNER_CONFIG).commands();
  }

  private static String refused(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> commands(args)).getMessage();
  }

  @Test
  void buildWithOnlyProjectRegionAndBucketTakesTheDefaults() {
    List<List<String>> commands =
        commands("build", "--project=my-project", "--region=europe-west1", "--bucket=gs://my-bucket");
    String image = "europe-west1-docker.pkg.dev/my-project/bq-harper-sync/launcher:latest";
    assertEquals(List.of(
        List.of("docker", "build", "-f", "runner-configs/dataflow/Dockerfile", "-t", image, "."),
        List.of("docker", "push", image),
        List.of("gcloud", "dataflow", "flex-template", "build",
            "gs://my-bucket/templates/bq-harper-sync.json", "--image=" + image,
            "--sdk-language=JAVA", "--metadata-file=target/dataflow/metadata.json",
            "--project=my-project")), commands);
    assertTrue(Files.exists(Path.of(DataflowTemplate.DOCKERFILE)), "the Dockerfile is there");
  }

  @Test
  void runPassesThePipelineFileAsParametersAndTheWorkerSettingsAsFlags() throws Exception {
    List<String> run = commands("run", "--project", "my-project", "--region", "us-central1",
        "--bucket", "gs://my-bucket", "--pipelineFile", "pipelines/telemetry-bigquery.yaml",
        "--serviceAccount", "sync@my-project.iam.gserviceaccount.com",
        "--subnetwork", "regions/us-central1/subnetworks/private",
        "--harperPasswordSecret=" + SECRET, "--shards=32").get(0);
    assertEquals(List.of("gcloud", "dataflow", "flex-template", "run", "bq-harper-sync-readings"),
        run.subList(0, 5));
    for (String flag : List.of("--template-file-gcs-location=gs://my-bucket/templates/bq-harper-sync.json",
        "--project=my-project", "--region=us-central1", "--staging-location=gs://my-bucket/staging",
        "--temp-location=gs://my-bucket/temp",
        "--service-account-email=sync@my-project.iam.gserviceaccount.com",
        "--subnetwork=regions/us-central1/subnetworks/private",
        "--worker-machine-type=n2-standard-2", "--max-workers=4", "--disable-public-ips",
        "--enable-streaming-engine",
        "--parameters=^~^sourceTable=my-project.telemetry.readings",
        "--parameters=^~^columns=id,timestamp,deviceId,reading,data", "--parameters=^~^shards=32",
        "--parameters=^~^auditInterval=15m", "--parameters=^~^harperPasswordSecret=" + SECRET)) {
      assertTrue(run.contains(flag), flag + " in " + run);
    }
    assertFalse(run.stream().anyMatch(flag -> flag.contains("shards=16")), "the flag wins");
    assertFalse(run.stream().anyMatch(flag -> flag.contains("harperPasswordEnv")),
        "no environment variable of this machine");
    assertFalse(run.stream().anyMatch(flag -> flag.startsWith("--network")), "no network given");

    Path backfill = dir.resolve("backfill.yaml");
    Files.writeString(backfill, "sourceTable: p1-x.d.t\nmode: backfill\nsyncName: Once\n"
        + "harperNodes: http://10.0.0.1:9925\n"
        + "harperPasswordSecret: " + SECRET + "\n");
    List<String> batch = commands("run", "--project=my-project", "--region=us-central1",
        "--bucket=gs://my-bucket", "--pipelineFile=" + backfill).get(0);
    assertEquals("bq-harper-sync-once", batch.get(4));
    assertFalse(batch.contains("--enable-streaming-engine"), "a backfill is a batch job");
  }

  @Test
  void aMissingOrMalformedFlagIsNamed() throws Exception {
    assertTrue(refused("build", "--project=my-project", "--region=us-central1")
        .startsWith("--bucket: required"));
    assertTrue(refused("build", "--project=my-project", "--region=us-central1", "--bucket=my-bucket")
        .startsWith("--bucket: 'my-bucket' does not match"));
    assertTrue(refused("run", "--project=my-project", "--region=us-central1", "--bucket=gs://b-1")
        .startsWith("--pipelineFile: required"));
    assertTrue(refused("build", "--project=my-project", "--region=us-central1",
        "--bucket=gs://b-1", "--workers=3").startsWith("--workers: unknown flag"));
    assertTrue(refused("deploy").contains("'build' or 'run'"));
    String[] run = {"run", "--project=my-project", "--region=us-central1", "--bucket=gs://b-1",
        "--pipelineFile=pipelines/telemetry-bigquery.yaml"};
    assertTrue(refused(run).startsWith("--harperPasswordSecret: required on Dataflow"));
    assertTrue(refused(with(run, "--harperPasswordFile=/etc/pw"))
        .startsWith("--harperPasswordFile: a file of this machine is not on Dataflow's workers"));
    assertTrue(refused(with(run, "--harperPasswordSecret=" + SECRET, "--pollInterval=soon"))
        .startsWith("--pollInterval:"), "the sync's own checks");
    Path withRunner = dir.resolve("runner.yaml");
    Files.writeString(withRunner, "sourceTable: p1-x.d.t\nrunner: DataflowRunner\n");
    assertTrue(refused("run", "--project=my-project", "--region=us-central1", "--bucket=gs://b-1",
        "--pipelineFile=" + withRunner).contains("'runner' is not a sync option"));
  }

  @Test
  void theRunnerConfigIsDataflowRunnerOptionsAsBeamParsesThem() {
    DataflowPipelineOptions options = PipelineFile.options(
        new String[] {"--runnerConfig=" + DataflowTemplate.RUNNER_CONFIG, "--project=my-project"},
        DataflowPipelineOptions.class);
    assertEquals("DataflowRunner", options.getRunner().getSimpleName());
    assertEquals("n2-standard-2", options.getWorkerMachineType());
    assertEquals(4, options.getMaxNumWorkers());
    assertTrue(options.isEnableStreamingEngine());
    assertFalse(options.getUsePublicIps());
  }

  @Test
  void printedCommandsAreShellLines() {
    assertEquals("gcloud run '--parameters=^~^partitionExpression=CAST(id AS STRING)'",
        DataflowTemplate.shellLine(List.of("gcloud", "run",
            "--parameters=^~^partitionExpression=CAST(id AS STRING)")));
  }
}
