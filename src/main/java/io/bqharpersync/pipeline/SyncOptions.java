package io.bqharpersync.pipeline;

import io.bqharpersync.options.AuditOptions;
import io.bqharpersync.options.BigQuerySourceOptions;
import io.bqharpersync.options.HarperTargetOptions;
import io.bqharpersync.options.HarperWriteOptions;
import io.bqharpersync.options.ShardReadOptions;
import io.bqharpersync.options.ParameterShape;
import io.bqharpersync.options.TemplateParameter;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/**
 * Every option of the sync job: the one place where an option is named, described and defaulted.
 * Each component's options are an interface of their own ({@code options/}), read by that
 * component's value type ({@code SourceTable}, {@code ReadPacing}, {@code HarperTarget}, {@code
 * WriteTuning}), so a Flex Template's parameters can be generated from these annotations. Every
 * value is checked by {@link SyncConfig#from} and, against the real systems, by {@link Preflight},
 * before the pipeline reads or writes anything; an error names the option. Durations are written
 * like {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h} or ISO-8601 ({@code PT30S}).
 */
public interface SyncOptions
    extends BigQuerySourceOptions, ShardReadOptions, HarperTargetOptions, HarperWriteOptions,
        AuditOptions {
  @Description("Name of this sync; its checkpoints and dead letters are kept under it. "
      + "Default: the source table's name.")
  @TemplateParameter(shape = ParameterShape.SYNC_NAME, examples = {"readings-to-harper"})
  String getSyncName();

  void setSyncName(String value);

  @Description("backfill: read every shard up to a fixed end, write, finish. continuous: keep "
      + "polling each shard, back to back while behind, every --pollInterval once caught up.")
  @Default.String("continuous")
  @TemplateParameter(shape = ParameterShape.MODE, examples = {"backfill"})
  String getMode();

  void setMode(String value);

  @Description("How often the job prints its progress (rows synced, rows/s, each shard's lag and "
      + "phase; in a backfill the share done and the time left) while it runs in this JVM, as "
      + "on the DirectRunner; 0s for none.")
  @Default.String("5s")
  @TemplateParameter(shape = ParameterShape.DURATION, examples = {"0s", "30s"})
  String getProgressInterval();

  void setProgressInterval(String value);

  @Description("How often each shard adds its checkpoint to the progress history (the "
      + "SyncProgress table, kept 7 days), which scripts/report plots; 0s for none.")
  @Default.String("30s")
  @TemplateParameter(shape = ParameterShape.DURATION, examples = {"0s", "1m"})
  String getHistoryInterval();

  void setHistoryInterval(String value);

  @Description("Per-request timeout for BigQuery and Harper calls.")
  @Default.String("60s")
  @TemplateParameter(shape = ParameterShape.DURATION, examples = {"2m"})
  String getRequestTimeout();

  void setRequestTimeout(String value);

  @Description("Several tables in one job: a JSON list with one map per table of the options that "
      + "differ from the job's (in --pipelineFile, a YAML list of maps under 'tables'). A table "
      + "may set its source, columns, key, cursor, partition, shards, paging, polling, lookback, "
      + "Harper nodes, login, database and table, writing, audit and syncName (default: its "
      + "source table's name, which must differ between tables); the mode is the job's.")
  @TemplateParameter(shape = ParameterShape.TEXT,
      examples = {"[{\"sourceTable\":\"p.d.orders\",\"harperTable\":\"Orders\"}]"})
  String getTables();

  void setTables(String value);
}
