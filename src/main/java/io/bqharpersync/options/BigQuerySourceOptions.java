package io.bqharpersync.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Which BigQuery table is read, which of its columns, and how its rows are ordered and sharded. */
public interface BigQuerySourceOptions extends PipelineOptions {
  @Description("BigQuery table to sync, as project.dataset.table.")
  @TemplateParameter(shape = ParameterShape.BIGQUERY_TABLE,
      examples = {"my-project.telemetry.readings"}, required = true)
  String getSourceTable();

  void setSourceTable(String value);

  @Description("Project that runs (and pays for) the queries; default: the source table's project.")
  @TemplateParameter(shape = ParameterShape.GCP_PROJECT, examples = {"my-billing-project"})
  String getBigQueryProject();

  void setBigQueryProject(String value);

  @Description("BigQuery API root URL; empty for Google's service with Application Default "
      + "Credentials. Set it to reach a local stand-in, e.g. http://127.0.0.1:9050.")
  @TemplateParameter(shape = ParameterShape.URL, examples = {"http://127.0.0.1:9050"})
  String getBigQueryEndpoint();

  void setBigQueryEndpoint(String value);

  @Description("Columns to copy, comma-separated; empty for every column of the table.")
  @Default.String("")
  @TemplateParameter(shape = ParameterShape.COLUMN_LIST, examples = {"id,timestamp,temperature"})
  String getColumns();

  void setColumns(String value);

  @Description("Primary key column (STRING or INT64); becomes Harper's primary key.")
  @Default.String("id")
  @TemplateParameter(shape = ParameterShape.COLUMN, examples = {"device_id"})
  String getIdColumn();

  void setIdColumn(String value);

  @Description("TIMESTAMP column that orders reads; ties are broken by the id column.")
  @Default.String("timestamp")
  @TemplateParameter(shape = ParameterShape.COLUMN, examples = {"updated_at"})
  String getCursorColumn();

  void setCursorColumn(String value);

  @Description("What the shard hash is taken of: TIMESTAMP_MICROS (UNIX_MICROS(cursor)), "
      + "TIMESTAMP_STRING (CAST(cursor AS STRING), which follows the session's time zone) or ID "
      + "(CAST(id AS STRING)). Changing it, as changing --shards, resumes from the committed "
      + "checkpoints of the last layout.")
  @Default.String("TIMESTAMP_MICROS")
  @TemplateParameter(shape = ParameterShape.PARTITION, examples = {"ID"})
  String getPartitionExpression();

  void setPartitionExpression(String value);
}
