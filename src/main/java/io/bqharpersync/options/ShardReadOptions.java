package io.bqharpersync.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** How the table is split into shards and how each shard paces its reads. */
public interface ShardReadOptions extends PipelineOptions {
  @Description("Number of shards the table is read in, in parallel and without coordination. "
      + "Checkpoints are per shard count: changing it starts a fresh read.")
  @Default.Integer(4)
  @TemplateParameter(shape = ParameterShape.POSITIVE_INTEGER, examples = {"16"})
  int getShards();

  void setShards(int value);

  @Description("Most rows one query returns.")
  @Default.Integer(10_000)
  @TemplateParameter(shape = ParameterShape.POSITIVE_INTEGER, examples = {"10000"})
  int getPageRows();

  void setPageRows(int value);

  @Description("backfill only: the end of the read (ISO-8601 instant); default: now minus --safetyLag.")
  @TemplateParameter(shape = ParameterShape.INSTANT, examples = {"2026-11-27T00:00:00Z"})
  String getBackfillUntil();

  void setBackfillUntil(String value);

  @Description("Never read rows newer than now minus this: BigQuery's streaming buffer may "
      + "still be filling. A row that becomes visible later than this behind its timestamp is "
      + "found by the trailing re-scan (--lookback, --rescanInterval) instead of the next poll.")
  @Default.String("1s")
  @TemplateParameter(shape = ParameterShape.DURATION, examples = {"PT2S"})
  String getSafetyLag();

  void setSafetyLag(String value);

  @Description("How often a caught-up shard polls. Each poll is a query: on on-demand pricing "
      + "BigQuery bills at least 10 MB per query, so a shorter interval buys lower lag with more "
      + "queries.")
  @Default.String("2s")
  @TemplateParameter(shape = ParameterShape.DURATION, examples = {"5s"})
  String getPollInterval();

  void setPollInterval(String value);

  @Description("continuous only: rows arriving up to this far behind their shard's cursor are "
      + "still synced, by a trailing re-scan that compares per-bucket digests and re-reads only "
      + "buckets that changed. 0 turns the re-scan off.")
  @Default.String("10m")
  @TemplateParameter(shape = ParameterShape.DURATION, examples = {"1h"})
  String getLookback();

  void setLookback(String value);

  @Description("continuous only: how often the trailing re-scan runs.")
  @Default.String("30s")
  @TemplateParameter(shape = ParameterShape.DURATION, examples = {"30s"})
  String getRescanInterval();

  void setRescanInterval(String value);

  @Description("continuous only: how often shard 0 counts rows whose cursor timestamp is NULL "
      + "(no shard reads them) and, when the count changed, sends them to the dead letters. On an "
      + "unpartitioned table the count scans the whole cursor column.")
  @Default.String("5m")
  @TemplateParameter(shape = ParameterShape.DURATION, examples = {"5m"})
  String getNullTimestampScanInterval();

  void setNullTimestampScanInterval(String value);

  @Description("First width of a shard's query window past its cursor; it adapts between this "
      + "and --maxReadWindow.")
  @Default.String("1h")
  @TemplateParameter(shape = ParameterShape.DURATION, examples = {"6h"})
  String getReadWindow();

  void setReadWindow(String value);

  @Description("Widest query window past a shard's cursor.")
  @Default.String("30d")
  @TemplateParameter(shape = ParameterShape.DURATION, examples = {"30d"})
  String getMaxReadWindow();

  void setMaxReadWindow(String value);

  @Description("Pages a shard may read ahead of its committed checkpoint; bounds memory when "
      + "Harper is slower than BigQuery.")
  @Default.Integer(4)
  @TemplateParameter(shape = ParameterShape.POSITIVE_INTEGER, examples = {"8"})
  int getMaxPagesInFlight();

  void setMaxPagesInFlight(int value);
}
