package io.bqharpersync.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bqharpersync.options.AuditOptions;
import io.bqharpersync.options.BigQuerySourceOptions;
import io.bqharpersync.options.HarperTargetOptions;
import io.bqharpersync.options.HarperWriteOptions;
import io.bqharpersync.options.OptionChecks;
import io.bqharpersync.options.ShardReadOptions;
import java.io.IOException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.util.common.ReflectHelpers;

/**
 * The tables one job syncs. Without {@code --tables}, the job's options describe its one table.
 * With it, each entry of the list is one table: the job's options with the entry's on top. An
 * entry may set what belongs to one table (its source, key, cursor, columns, partition, shards and
 * paging, polling, lookback, Harper target and login, writing, audit and sync name); the mode,
 * the progress interval, the request timeout and the runner are the job's.
 */
public final class SyncTables {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Options a table entry may set, by name, with their setters. */
  private static final Map<String, Method> PER_TABLE = perTableSetters();

  private SyncTables() {}

  /** Each table's options, in the order of {@code --tables}; the job's own when there is none. */
  public static List<SyncOptions> of(SyncOptions options) {
    if (OptionChecks.blank(options.getTables())) {
      return List.of(options);
    }
    JsonNode entries;
    try {
      entries = JSON.readTree(options.getTables());
    } catch (IOException e) {
      throw OptionChecks.invalid("tables", "a JSON list of maps of option names to values ("
          + e.getMessage().lines().findFirst().orElse("") + ")");
    }
    if (!entries.isArray() || entries.isEmpty()) {
      throw OptionChecks.invalid("tables", "a non-empty list of maps of option names to values");
    }
    List<SyncOptions> tables = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      tables.add(table(options, entries.get(i), i));
    }
    return tables;
  }

  /**
   * The name the job goes by: with several tables its {@code --syncName}, or else its tables' sync
   * names joined by "+"; with one table, that table's sync name. Checks every table's options.
   */
  public static String jobSyncName(SyncOptions options) {
    // Every table's options are checked on the way, as the job will check them.
    List<SyncConfig> tables = configs(options);
    if (OptionChecks.blank(options.getTables())) {
      return tables.get(0).syncName();
    }
    if (!OptionChecks.blank(options.getSyncName())) {
      return options.getSyncName();
    }
    List<String> names = new ArrayList<>();
    for (SyncConfig table : tables) {
      names.add(table.syncName());
    }
    return String.join("+", names);
  }

  /**
   * Each table's checked configuration. An error names the table ({@code tables[i]} and its
   * source table) before the option; two tables may not share a sync name, as their checkpoints
   * and dead letters would mix.
   */
  public static List<SyncConfig> configs(SyncOptions options) {
    List<SyncOptions> tables = of(options);
    List<SyncConfig> configs = new ArrayList<>();
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < tables.size(); i++) {
      SyncOptions table = tables.get(i);
      SyncConfig config;
      try {
        config = SyncConfig.from(table);
      } catch (IllegalArgumentException e) {
        throw named(tables.size(), i, table.getSourceTable(), e);
      }
      Integer earlier = names.putIfAbsent(config.syncName(), i);
      if (earlier != null) {
        throw new IllegalArgumentException(label(i, table.getSourceTable()) + ": --syncName: '" + config.syncName()
            + "' is also the name of tables[" + earlier + "]; give each table its own syncName");
      }
      configs.add(config);
    }
    return configs;
  }

  /** {@code e} with the table it is about named first, when the job has several. */
  static IllegalArgumentException named(int tableCount, int index, String sourceTable,
      IllegalArgumentException e) {
    if (tableCount == 1) {
      return e;
    }
    return new IllegalArgumentException(label(index, sourceTable) + ": " + e.getMessage(), e);
  }

  private static String label(int index, String sourceTable) {
    return "tables[" + index + "] (" + sourceTable + ")";
  }

  private static SyncOptions table(SyncOptions job, JsonNode entry, int index) {
    String where = "tables[" + index + "]";
    if (!entry.isObject()) {
      throw OptionChecks.invalid("tables", where + " must be a map of option names to values");
    }
    SyncOptions table = copy(job);
    table.setTables(null);
    // The job's --syncName names the job; each table's defaults to its own source's name.
    table.setSyncName(null);
    Iterator<Map.Entry<String, JsonNode>> fields = entry.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      Method setter = PER_TABLE.get(field.getKey());
      if (setter == null) {
        throw OptionChecks.invalid("tables", where + ": '" + field.getKey() + "' is not an option"
            + " a table can set; those are " + String.join(", ", new TreeSet<>(PER_TABLE.keySet())));
      }
      set(table, setter, field.getKey(), PipelineFile.commandLineValue(field.getValue()), where);
    }
    return table;
  }

  /** A copy of the job's options, through their JSON form, as Beam ships options to workers. */
  private static SyncOptions copy(SyncOptions job) {
    ObjectMapper mapper = new ObjectMapper()
        .registerModules(ObjectMapper.findModules(ReflectHelpers.findClassLoader()));
    try {
      return mapper.readValue(mapper.writeValueAsString(job), PipelineOptions.class)
          .as(SyncOptions.class);
    } catch (IOException e) {
      throw new IllegalStateException("the job's options cannot be copied per table", e);
    }
  }

  /** Sets one option from its text, converted as Beam converts a command-line value. */
  private static void set(SyncOptions table, Method setter, String name, String value,
      String where) {
    SyncOptions parsed;
    try {
      parsed = PipelineOptionsFactory.fromArgs("--" + name + "=" + value).as(SyncOptions.class);
    } catch (IllegalArgumentException e) {
      throw OptionChecks.invalid("tables", where + ": " + name + ": " + e.getMessage());
    }
    try {
      Method getter = SyncOptions.class.getMethod("get" + setter.getName().substring(3));
      setter.invoke(table, getter.invoke(parsed));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("option " + name + " cannot be set per table", e);
    }
  }

  private static Map<String, Method> perTableSetters() {
    Map<String, Method> setters = new HashMap<>();
    for (Class<?> options : List.of(BigQuerySourceOptions.class, ShardReadOptions.class,
        HarperTargetOptions.class, HarperWriteOptions.class, AuditOptions.class,
        SyncOptions.class)) {
      for (Method method : options.getDeclaredMethods()) {
        if (method.getName().startsWith("set") && method.getParameterCount() == 1) {
          String name = method.getName().substring(3);
          setters.put(name.substring(0, 1).toLowerCase(Locale.ROOT) + name.substring(1), method);
        }
      }
    }
    for (String job : List.of("mode", "progressInterval", "requestTimeout", "tables")) {
      setters.remove(job);
    }
    return Map.copyOf(setters);
  }
}
