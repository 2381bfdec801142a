package io.bqharpersync.dataflow;

import io.bqharpersync.pipeline.PipelineFile;
import io.bqharpersync.pipeline.RunnerDefaults;
import io.bqharpersync.pipeline.SyncMode;
import io.bqharpersync.pipeline.SyncTables;
import io.bqharpersync.pipeline.SyncOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * The commands that build the Flex Template ({@code docker build}, {@code docker push}, {@code
 * gcloud dataflow flex-template build}) and launch it ({@code gcloud dataflow flex-template run}),
 * from a few flags, {@code runner-configs/dataflow.yaml} and the sync's pipeline file. With {@code
 * --dry-run} they are printed and nothing is run.
 *
 * <pre>
 * scripts/dataflow-template build --project=P --region=R --bucket=gs://B [--image=I] [--dry-run]
 * scripts/dataflow-template run --project=P --region=R --bucket=gs://B --pipelineFile=F
 *     [--image=I] [--serviceAccount=SA] [--network=N] [--subnetwork=S] [--dry-run]
 *     [--syncOption=value ...]
 * </pre>
 *
 * <p>A sync option given as a flag wins over the pipeline file, as on {@code scripts/sync}. The
 * Harper password must come from Secret Manager ({@code harperPasswordSecret}): a password file or
 * environment variable of this machine does not exist on Dataflow's launcher or workers.
 */
public final class DataflowTemplate {
  static final String RUNNER_CONFIG = "runner-configs/dataflow.yaml";
  static final String DOCKERFILE = "runner-configs/dataflow/Dockerfile";
  static final String METADATA = "target/dataflow/metadata.json";
  private static final Set<String> FLAGS = Set.of("project", "region", "bucket", "image",
      "serviceAccount", "network", "subnetwork", "pipelineFile", "dry-run");

  private final String action;
  private final Map<String, String> flags;
  private final Map<String, String> syncOptions;
  private final Map<String, String> runnerConfig;

  DataflowTemplate(String action, Map<String, String> flags, Map<String, String> syncOptions,
      Map<String, String> runnerConfig) {
    this.action = action;
    this.flags = flags;
    this.syncOptions = syncOptions;
    this.runnerConfig = runnerConfig;
  }

  /** Parses {@code build|run} and its flags; an error names the flag. */
  static DataflowTemplate parse(String[] args, Map<String, String> runnerConfig) {
    if (args.length == 0 || !List.of("build", "run").contains(args[0])) {
      throw new IllegalArgumentException("expected 'build' or 'run' first");
    }
    Map<String, String> flags = new LinkedHashMap<>();
    Map<String, String> syncOptions = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
      }
      String name = arg.substring(2);
      String value = "true";
      if (name.contains("=")) {
        value = name.substring(name.indexOf('=') + 1);
        name = name.substring(0, name.indexOf('='));
      } else if (!name.equals("dry-run")) {
        if (i + 1 == args.length) {
          throw new IllegalArgumentException("--" + name + ": needs a value");
        }
        value = args[++i];
      }
      if (FLAGS.contains(name)) {
        flags.put(name, value);
      } else if (args[0].equals("run") && parameterNames().contains(name)) {
        syncOptions.put(name, value);
      } else {
        throw new IllegalArgumentException("--" + name + ": unknown flag; known: " + FLAGS
            + (args[0].equals("run") ? " and the sync's options" : ""));
      }
    }
    DataflowTemplate template = new DataflowTemplate(args[0], flags, syncOptions, runnerConfig);
    template.required("project", "^[a-z][a-z0-9-]{4,28}[a-z0-9]$");
    template.required("region", "^[a-z]+-[a-z]+[0-9]+$");
    template.required("bucket", "^gs://[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$");
    if (template.action.equals("run")) {
      template.required("pipelineFile", ".+");
    }
    return template;
  }

  boolean dryRun() {
    return flags.containsKey("dry-run");
  }

  /** The launcher image: Artifact Registry of the project and region unless --image. */
  String image() {
    return flags.getOrDefault("image", flags.get("region") + "-docker.pkg.dev/"
        + flags.get("project") + "/bq-harper-sync/launcher:latest");
  }

  /** Where the template spec file is kept. */
  String templateSpec() {
    return flags.get("bucket") + "/templates/bq-harper-sync.json";
  }

  /** The commands, in order. */
  List<List<String>> commands() {
    return action.equals("build") ? buildCommands() : List.of(runCommand());
  }

  private List<List<String>> buildCommands() {
    return List.of(
        List.of("docker", "build", "-f", DOCKERFILE, "-t", image(), "."),
        List.of("docker", "push", image()),
        List.of("gcloud", "dataflow", "flex-template", "build", templateSpec(),
            "--image=" + image(), "--sdk-language=JAVA", "--metadata-file=" + METADATA,
            "--project=" + flags.get("project")));
  }

  private List<String> runCommand() {
    Map<String, String> parameters = parameters();
    SyncOptions sync = syncOptions(parameters);
    boolean continuous = SyncMode.CONTINUOUS.name().equalsIgnoreCase(sync.getMode());
    List<String> command = new ArrayList<>(List.of("gcloud", "dataflow", "flex-template", "run",
        RunnerDefaults.jobName(SyncTables.jobSyncName(sync)),
        "--template-file-gcs-location=" + templateSpec(),
        "--project=" + flags.get("project"), "--region=" + flags.get("region"),
        "--staging-location=" + flags.get("bucket") + "/staging",
        "--temp-location=" + flags.get("bucket") + "/temp"));
    optional(command, "serviceAccount", "--service-account-email=");
    optional(command, "network", "--network=");
    optional(command, "subnetwork", "--subnetwork=");
    fromRunnerConfig(command, "workerMachineType", "--worker-machine-type=");
    fromRunnerConfig(command, "numWorkers", "--num-workers=");
    fromRunnerConfig(command, "maxNumWorkers", "--max-workers=");
    if ("false".equals(runnerConfig.get("usePublicIps"))) {
      command.add("--disable-public-ips");
    }
    if (continuous && "true".equals(runnerConfig.get("enableStreamingEngine"))) {
      command.add("--enable-streaming-engine");
    }
    // ^~^ makes '~' the separator of this flag's pairs, so values may hold commas.
    parameters.forEach((name, value) -> command.add("--parameters=^~^" + name + "=" + value));
    return command;
  }

  /**
   * The pipeline file's options, each of which must be a template parameter. The password is not
   * among them: on Dataflow it comes from Secret Manager, named by harperPasswordSecret.
   */
  private Map<String, String> parameters() {
    Path file = Path.of(flags.get("pipelineFile"));
    Map<String, String> options = PipelineFile.read("pipelineFile", file);
    for (String name : options.keySet()) {
      if (!parameterNames().contains(name)) {
        throw new IllegalArgumentException("--pipelineFile: " + file + ": '" + name
            + "' is not a sync option, so not a template parameter");
      }
    }
    options.putAll(syncOptions);
    if (options.containsKey("harperPasswordFile")) {
      throw new IllegalArgumentException("--harperPasswordFile: a file of this machine is not on "
          + "Dataflow's workers; put the password in Secret Manager and give --harperPasswordSecret");
    }
    if (!options.containsKey("harperPasswordSecret")) {
      throw new IllegalArgumentException("--harperPasswordSecret: required on Dataflow (in the "
          + "pipeline file or as a flag): projects/PROJECT/secrets/SECRET/versions/VERSION");
    }
    // An environment variable of this machine means nothing on Dataflow; the secret replaces it.
    options.remove("harperPasswordEnv");
    return options;
  }

  private static Set<String> parameterNames() {
    return TemplateMetadata.syncOptions().stream().map(TemplateMetadata.Option::name)
        .collect(Collectors.toSet());
  }

  /**
   * The sync's options as the job will see them, checked as the job checks them (nothing is
   * contacted; the secret is not read).
   */
  private static SyncOptions syncOptions(Map<String, String> parameters) {
    List<String> args = new ArrayList<>();
    parameters.forEach((name, value) -> args.add("--" + name + "=" + value));
    return PipelineOptionsFactory.fromArgs(args.toArray(new String[0])).as(SyncOptions.class);
  }

  private void required(String flag, String pattern) {
    String value = flags.get(flag);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("--" + flag + ": required for '" + action + "'");
    }
    if (!value.matches(pattern)) {
      throw new IllegalArgumentException("--" + flag + ": '" + value + "' does not match " + pattern);
    }
  }

  private void optional(List<String> command, String flag, String gcloudFlag) {
    if (flags.containsKey(flag)) {
      command.add(gcloudFlag + flags.get(flag));
    }
  }

  private void fromRunnerConfig(List<String> command, String option, String gcloudFlag) {
    if (runnerConfig.containsKey(option)) {
      command.add(gcloudFlag + runnerConfig.get(option));
    }
  }

  /** A command as a shell line: each word quoted where the shell would split or expand it. */
  static String shellLine(List<String> command) {
    return command.stream().map(word -> word.matches("[A-Za-z0-9_./:=@^~,-]+") ? word
        : "'" + word.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    DataflowTemplate template;
    List<List<String>> commands;
    try {
      template = parse(args, PipelineFile.read("runnerConfig", Path.of(RUNNER_CONFIG)));
      commands = template.commands();
    } catch (IllegalArgumentException e) {
      System.err.println("dataflow-template: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (template.action.equals("build")) {
      System.out.println((template.dryRun() ? "would write " : "writing ") + METADATA
          + " (generated from the options' annotations)");
      if (!template.dryRun()) {
        TemplateMetadata.main(new String[] {METADATA});
      }
    }
    for (List<String> command : commands) {
      System.out.println((template.dryRun() ? "" : "+ ") + shellLine(command));
      if (!template.dryRun()) {
        int exit;
        try {
          exit = new ProcessBuilder(command).inheritIO().start().waitFor();
        } catch (IOException e) {
          System.err.println("dataflow-template: cannot run " + command.get(0) + " ("
              + e.getMessage() + "); install it, or use --dry-run to print the commands");
          System.exit(1);
          return;
        }
        if (exit != 0) {
          System.err.println("dataflow-template: " + command.get(0) + " exited " + exit);
          System.exit(1);
        }
      }
    }
  }
}
