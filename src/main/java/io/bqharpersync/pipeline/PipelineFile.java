package io.bqharpersync.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Turns {@code --pipelineFile=pipelines/x.yaml} and {@code --runnerConfig=runner-configs/y.yaml}
 * into ordinary options. Each file is a YAML map of option names to values (a list becomes a
 * comma-separated value, a list of maps, as under {@code tables}, JSON text). Command-line options win over the runner config, which wins over the
 * pipeline file, so one definition serves every runner and any value can be overridden per run.
 */
public final class PipelineFile {
  static final String PIPELINE_FILE = "pipelineFile";
  static final String RUNNER_CONFIG = "runnerConfig";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private PipelineFile() {}

  /** Options of {@code type} from a command line, files expanded, checked by Beam's validation. */
  public static <T extends PipelineOptions> T options(String[] args, Class<T> type) {
    PipelineOptionsFactory.register(type);
    return PipelineOptionsFactory.fromArgs(expand(args)).withValidation().as(type);
  }

  public static String[] expand(String[] args) {
    Map<String, String> fromCommandLine = new LinkedHashMap<>();
    List<String> passThrough = new ArrayList<>();
    for (String arg : args) {
      if (arg.startsWith("--") && arg.contains("=")) {
        fromCommandLine.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
      } else {
        passThrough.add(arg);
      }
    }
    Map<String, String> merged = new LinkedHashMap<>();
    for (String fileOption : List.of(PIPELINE_FILE, RUNNER_CONFIG)) {
      String file = fromCommandLine.remove(fileOption);
      if (file != null) {
        merged.putAll(read(fileOption, Path.of(file)));
      }
    }
    merged.putAll(fromCommandLine);
    List<String> expanded = new ArrayList<>(passThrough);
    merged.forEach((name, value) -> expanded.add("--" + name + "=" + value));
    return expanded.toArray(new String[0]);
  }

  /** The options a pipeline file or runner config sets, lists joined by commas. */
  public static Map<String, String> read(String option, Path file) {
    JsonNode root;
    try {
      root = YAML.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("--" + option + ": cannot read " + file + ": "
          + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(
          "--" + option + ": " + file + " must be a map of option names to values");
    }
    Map<String, String> options = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode value = field.getValue();
      if (value.isArray() && value.size() > 0 && value.get(0).isObject()) {
        // A list of maps (the tables of a job of several): passed on as JSON.
        options.put(field.getKey(), value.toString());
      } else if (value.isArray() || value.isValueNode()) {
        options.put(field.getKey(), commandLineValue(value));
      } else {
        throw new IllegalArgumentException("--" + option + ": " + file + ": option '"
            + field.getKey() + "' must be a value or a list, not a map");
      }
    }
    return options;
  }

  /** A value as a command line gives it: a list as its items joined by commas. */
  static String commandLineValue(JsonNode value) {
    if (!value.isArray()) {
      return value.asText();
    }
    List<String> items = new ArrayList<>();
    value.forEach(item -> items.add(item.asText()));
    return String.join(",", items);
  }
}
