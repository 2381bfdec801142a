package io.bqharpersync.pipeline;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Options of the sync job. Every value is checked by {@link SyncConfig#from} and, against the real
 * systems, by {@link Preflight}, before the pipeline reads or writes anything; an error names the
 * option. Durations are written like {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h} or ISO-8601
 * ({@code PT30S}).
 */
public interface SyncOptions extends PipelineOptions {
  // ---- Source ----
  @Description("BigQuery table to sync, as project.dataset.table.")
  String getSourceTable();

  void setSourceTable(String value);

  @Description("Project that runs (and pays for) the queries; default: the source table's project.")
  String getBigQueryProject();

  void setBigQueryProject(String value);

  @Description("BigQuery API root URL; empty for Google's service with Application Default "
      + "Credentials. Set it to reach a local stand-in, e.g. http://127.0.0.1:9050.")
  String getBigQueryEndpoint();

  void setBigQueryEndpoint(String value);

  @Description("Columns to copy, comma-separated; empty for every column of the table.")
  @Default.String("")
  String getColumns();

  void setColumns(String value);

  @Description("Primary key column (STRING or INT64); becomes Harper's primary key.")
  @Default.String("id")
  String getIdColumn();

  void setIdColumn(String value);

  @Description("TIMESTAMP column that orders reads; ties are broken by the id column.")
  @Default.String("timestamp")
  String getCursorColumn();

  void setCursorColumn(String value);

  @Description("What the shard hash is taken of: TIMESTAMP_STRING (CAST(cursor AS STRING)), "
      + "TIMESTAMP_MICROS (UNIX_MICROS(cursor)) or ID (CAST(id AS STRING)).")
  @Default.String("TIMESTAMP_STRING")
  String getPartitionExpression();

  void setPartitionExpression(String value);

  @Description("Number of shards the table is read in, in parallel and without coordination. "
      + "Checkpoints are per shard count: changing it starts a fresh read.")
  @Default.Integer(4)
  int getShards();

  void setShards(int value);

  @Description("Most rows one query returns.")
  @Default.Integer(10_000)
  int getPageRows();

  void setPageRows(int value);

  // ---- Target ----
  @Description("Harper operations API URLs, comma-separated, e.g. http://10.0.0.1:9925,... "
      + "Each record goes to the node that owns its key; give this or --harperSeedNode.")
  String getHarperNodes();

  void setHarperNodes(String value);

  @Description("One Harper node's operations API URL; the others are discovered with "
      + "cluster_status and ordered by address, so every worker derives the same node slots.")
  String getHarperSeedNode();

  void setHarperSeedNode(String value);

  @Description("Harper user.")
  @Default.String("admin")
  String getHarperUser();

  void setHarperUser(String value);

  @Description("Name of the environment variable holding the Harper password.")
  @Default.String("HARPER_PASSWORD")
  String getHarperPasswordEnv();

  void setHarperPasswordEnv(String value);

  @Description("File holding the Harper password (first line); used instead of --harperPasswordEnv.")
  String getHarperPasswordFile();

  void setHarperPasswordFile(String value);

  @Description("Harper database of the target table.")
  @Default.String("data")
  String getHarperDatabase();

  void setHarperDatabase(String value);

  @Description("Harper table the rows are upserted into; it must exist on every node.")
  @Default.String("BigQueryData")
  String getHarperTable();

  void setHarperTable(String value);

  // ---- Sync ----
  @Description("Name of this sync; its checkpoints and dead letters are kept under it. "
      + "Default: the source table's name.")
  String getSyncName();

  void setSyncName(String value);

  @Description("backfill: read every shard up to a fixed end, write, finish. continuous: keep "
      + "polling each shard, back to back while behind, every --pollInterval once caught up.")
  @Default.String("continuous")
  String getMode();

  void setMode(String value);

  @Description("backfill only: the end of the read (ISO-8601 instant); default: now minus --safetyLag.")
  String getBackfillUntil();

  void setBackfillUntil(String value);

  @Description("Never read rows newer than now minus this: BigQuery's streaming buffer may "
      + "still be filling.")
  @Default.String("2s")
  String getSafetyLag();

  void setSafetyLag(String value);

  @Description("How often a caught-up shard polls. Each poll is a query: on on-demand pricing "
      + "BigQuery bills at least 10 MB per query, so a shorter interval buys lower lag with more "
      + "queries.")
  @Default.String("5s")
  String getPollInterval();

  void setPollInterval(String value);

  @Description("continuous only: rows arriving up to this far behind their shard's cursor are "
      + "still synced, by a trailing re-scan that compares per-bucket digests and re-reads only "
      + "buckets that changed. 0 turns the re-scan off.")
  @Default.String("10m")
  String getLookback();

  void setLookback(String value);

  @Description("continuous only: how often the trailing re-scan runs.")
  @Default.String("30s")
  String getRescanInterval();

  void setRescanInterval(String value);

  @Description("continuous only: how often shard 0 counts rows whose cursor timestamp is NULL "
      + "(no shard reads them) and, when the count changed, sends them to the dead letters. On an "
      + "unpartitioned table the count scans the whole cursor column.")
  @Default.String("5m")
  String getNullTimestampScanInterval();

  void setNullTimestampScanInterval(String value);

  @Description("First width of a shard's query window past its cursor; it adapts between this "
      + "and --maxReadWindow.")
  @Default.String("1h")
  String getReadWindow();

  void setReadWindow(String value);

  @Description("Widest query window past a shard's cursor.")
  @Default.String("30d")
  String getMaxReadWindow();

  void setMaxReadWindow(String value);

  @Description("Pages a shard may read ahead of its committed checkpoint; bounds memory when "
      + "Harper is slower than BigQuery.")
  @Default.Integer(4)
  int getMaxPagesInFlight();

  void setMaxPagesInFlight(int value);

  // ---- Batching ----
  @Description("Records per upsert request: 'adaptive' (10000 while a batch is over 1 h behind, "
      + "1000 over 5 min, else 500) or a fixed number.")
  @Default.String("adaptive")
  String getBatchSize();

  void setBatchSize(String value);

  @Description("Longest a record waits for its batch to fill.")
  @Default.String("1s")
  String getMaxBufferingDuration();

  void setMaxBufferingDuration(String value);

  @Description("Per-request timeout for BigQuery and Harper calls.")
  @Default.String("60s")
  String getRequestTimeout();

  void setRequestTimeout(String value);
}
