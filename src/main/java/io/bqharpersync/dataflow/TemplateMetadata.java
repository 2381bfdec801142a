package io.bqharpersync.dataflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqharpersync.options.TemplateParameter;
import io.bqharpersync.pipeline.SyncOptions;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/**
 * The Flex Template's metadata file, generated from the annotations of {@link SyncOptions}: one
 * parameter per sync option, with its {@code @Description} as help text, its default in the help
 * text, and the pattern of its {@link TemplateParameter} shape. Runner options (project, region,
 * workers) are not parameters: {@code gcloud dataflow flex-template run} takes them as flags.
 *
 * <pre>java -cp bq-harper-sync-job.jar io.bqharpersync.dataflow.TemplateMetadata metadata.json</pre>
 */
public final class TemplateMetadata {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private TemplateMetadata() {}

  /** One option: its name as given on the command line and the getter that declares it. */
  public record Option(String name, Method getter) {
    public TemplateParameter parameter() {
      return getter.getAnnotation(TemplateParameter.class);
    }

    /** The default as text, or null when the option has none. */
    public String defaultValue() {
      if (getter.getAnnotation(Default.String.class) != null) {
        return getter.getAnnotation(Default.String.class).value();
      }
      if (getter.getAnnotation(Default.Integer.class) != null) {
        return Integer.toString(getter.getAnnotation(Default.Integer.class).value());
      }
      if (getter.getAnnotation(Default.Long.class) != null) {
        return Long.toString(getter.getAnnotation(Default.Long.class).value());
      }
      if (getter.getAnnotation(Default.Boolean.class) != null) {
        return Boolean.toString(getter.getAnnotation(Default.Boolean.class).value());
      }
      return null;
    }
  }

  /**
   * Every option the sync declares: {@link SyncOptions} and the project's interfaces it extends,
   * each interface's options in alphabetical order; Beam's and the runners' own are left out.
   */
  public static List<Option> syncOptions() {
    Set<Class<?>> interfaces = new LinkedHashSet<>();
    collect(SyncOptions.class, interfaces);
    List<Option> options = new ArrayList<>();
    for (Class<?> type : interfaces) {
      List<Method> getters = new ArrayList<>();
      for (Method method : type.getDeclaredMethods()) {
        if (method.getParameterCount() == 0 && method.getAnnotation(Description.class) != null) {
          getters.add(method);
        }
      }
      getters.sort(Comparator.comparing(Method::getName));
      for (Method getter : getters) {
        options.add(new Option(propertyName(getter), getter));
      }
    }
    return options;
  }

  /** The metadata file's content. */
  public static ObjectNode metadata() {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("name", "bq-harper-sync");
    root.put("description", "Keeps a Harper cluster in sync with a BigQuery table: sharded reads "
        + "by cursor, conditional upserts to the node that owns each key, checkpoints in Harper. "
        + "mode=backfill reads up to a fixed end and finishes; mode=continuous runs as a "
        + "streaming job until drained or cancelled.");
    ArrayNode parameters = root.putArray("parameters");
    for (Option option : syncOptions()) {
      TemplateParameter shape = option.parameter();
      ObjectNode parameter = parameters.addObject();
      parameter.put("name", option.name());
      parameter.put("label", label(option.name()));
      String help = option.getter().getAnnotation(Description.class).value();
      String defaultValue = option.defaultValue();
      if (defaultValue != null && !defaultValue.isEmpty()) {
        help += " Default: " + defaultValue + ".";
      }
      parameter.put("helpText", help);
      parameter.put("isOptional", shape == null || !shape.required());
      if (shape != null && shape.shape().regex() != null) {
        parameter.putArray("regexes").add(shape.shape().regex());
      }
    }
    return root;
  }

  public static void main(String[] args) throws IOException {
    String json = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(metadata()) + "\n";
    if (args.length == 0) {
      System.out.print(json);
    } else {
      Path file = Path.of(args[0]);
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.writeString(file, json);
    }
  }

  private static void collect(Class<?> type, Set<Class<?>> into) {
    if (!type.getPackageName().startsWith("io.bqharpersync")) {
      return;
    }
    into.add(type);
    for (Class<?> parent : type.getInterfaces()) {
      collect(parent, into);
    }
  }

  private static String propertyName(Method getter) {
    String name = getter.getName().replaceFirst("^(get|is)", "");
    return Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }

  /** {@code harperRestPort} as "Harper REST port", {@code bigQueryProject} as "BigQuery project". */
  static String label(String name) {
    String words = (" " + name.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase() + " ")
        .replace(" big query ", " BigQuery ").replace(" id ", " ID ").replace(" rest ", " REST ")
        .trim();
    return Character.toUpperCase(words.charAt(0)) + words.substring(1);
  }
}
