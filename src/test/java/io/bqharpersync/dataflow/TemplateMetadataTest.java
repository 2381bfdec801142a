package io.bqharpersync.dataflow;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.bqharpersync.options.DurationText;
import io.bqharpersync.options.ParameterShape;
import io.bqharpersync.options.TemplateParameter;
import io.bqharpersync.pipeline.SyncConfig;
import io.bqharpersync.pipeline.SyncOptions;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateMetadataTest {
  @TempDir Path dir;

  private static Map<String, JsonNode> parameters() {
    Map<String, JsonNode> byName = new TreeMap<>();
    for (JsonNode parameter : TemplateMetadata.metadata().path("parameters")) {
      JsonNode previous = byName.put(parameter.path("name").asText(), parameter);
      assertEquals(null, previous, "one parameter per name: " + parameter);
    }
    return byName;
  }

  @Test
  void everySyncOptionIsExactlyOneParameter() {
    // Every option the project declares, as Beam sees them: properties of SyncOptions whose
    // getter comes from the project's interfaces.
    TreeSet<String> declared = new TreeSet<>();
    for (Method method : SyncOptions.class.getMethods()) {
      if (method.getDeclaringClass().getPackageName().startsWith("io.bqharpersync")
          && method.getName().matches("(get|is)[A-Z].*") && method.getParameterCount() == 0) {
        String name = method.getName().replaceFirst("^(get|is)", "");
        declared.add(Character.toLowerCase(name.charAt(0)) + name.substring(1));
      }
    }
    assertTrue(declared.size() > 30, "the options were found: " + declared);
    assertEquals(declared, new TreeSet<>(parameters().keySet()));
    for (JsonNode parameter : parameters().values()) {
      assertFalse(parameter.path("label").asText().isBlank(), parameter.toString());
      assertFalse(parameter.path("helpText").asText().isBlank(), parameter.toString());
      assertTrue(parameter.path("isOptional").isBoolean(), parameter.toString());
    }
    assertFalse(parameters().get("sourceTable").path("isOptional").asBoolean(), "required");
    assertTrue(parameters().get("shards").path("helpText").asText().endsWith("Default: 4."));
    assertEquals("BigQuery project", parameters().get("bigQueryProject").path("label").asText());
  }

  @Test
  void eachPatternAcceptsTheDefaultAndTheExamplesAndRefusesAWrongValue() {
    for (TemplateMetadata.Option option : TemplateMetadata.syncOptions()) {
      TemplateParameter parameter = option.parameter();
      JsonNode regexes = parameters().get(option.name()).path("regexes");
      if (parameter == null || parameter.shape().regex() == null) {
        assertTrue(regexes.isMissingNode(), option.name() + " has no pattern");
        continue;
      }
      Pattern pattern = Pattern.compile(regexes.get(0).asText());
      if (option.defaultValue() != null) {
        assertTrue(pattern.matcher(option.defaultValue()).matches(),
            option.name() + ": its default '" + option.defaultValue() + "'");
      }
      assertTrue(parameter.examples().length > 0, option.name() + " shows an example");
      for (String example : parameter.examples()) {
        assertTrue(pattern.matcher(example).matches(), option.name() + ": example " + example);
      }
      assertFalse(pattern.matcher(parameter.shape().wrongExample()).matches(),
          option.name() + " refuses '" + parameter.shape().wrongExample() + "'");
    }
  }

  @Test
  void everyOptionWithANumberOrADurationHasItsShape() {
    for (TemplateMetadata.Option option : TemplateMetadata.syncOptions()) {
      TemplateParameter parameter = option.parameter();
      String value = option.defaultValue();
      boolean number = option.getter().getAnnotation(Default.Integer.class) != null;
      boolean duration = value != null && !number && isDuration(value);
      if (number || duration) {
        assertNotNull(parameter, option.name() + " declares its shape");
        assertTrue(duration ? parameter.shape() == ParameterShape.DURATION
                : parameter.shape() == ParameterShape.POSITIVE_INTEGER
                    || parameter.shape() == ParameterShape.PORT,
            option.name() + ": " + parameter.shape());
      }
    }
  }

  @Test
  void theJobAcceptsEveryDocumentedExample() throws Exception {
    Path password = dir.resolve("password");
    Files.writeString(password, "pw");
    for (TemplateMetadata.Option option : TemplateMetadata.syncOptions()) {
      TemplateParameter parameter = option.parameter();
      if (parameter == null) {
        continue;
      }
      for (String example : parameter.examples()) {
        List<String> args = new ArrayList<>(List.of("--" + option.name() + "=" + example));
        if (!option.name().equals("harperPasswordSecret")) {
          args.add("--harperPasswordFile=" + password);
        }
        if (!option.name().equals("sourceTable")) {
          args.add("--sourceTable=my-project.telemetry.readings");
        }
        if (!option.name().matches("harperNodes|harperSeedNode")) {
          args.add("--harperNodes=http://127.0.0.1:9925");
        }
        SyncOptions options = PipelineOptionsFactory.fromArgs(args.toArray(new String[0]))
            .as(SyncOptions.class);
        assertDoesNotThrow(() -> SyncConfig.from(options), option.name() + "=" + example);
      }
    }
  }

  @Test
  void theMainWritesTheMetadataFile() throws Exception {
    Path file = dir.resolve("dataflow/metadata.json");
    TemplateMetadata.main(new String[] {file.toString()});
    assertEquals(TemplateMetadata.metadata(),
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile()));
  }

  private static boolean isDuration(String text) {
    try {
      DurationText.parse("x", text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
