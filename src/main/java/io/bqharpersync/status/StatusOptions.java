package io.bqharpersync.status;

import io.bqharpersync.pipeline.SyncOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/** Options of {@code scripts/status}: the sync's own (which sync, which nodes), plus its alerts. */
public interface StatusOptions extends SyncOptions {
  @Description("Alert when a shard's cursor is further behind now than this.")
  @Default.String("30m")
  String getMaxLag();

  void setMaxLag(String value);

  @Description("Alert when a shard's checkpoint was last committed longer ago than this.")
  @Default.String("5m")
  String getMaxCheckpointAge();

  void setMaxCheckpointAge(String value);

  @Description("Alert when a row was dead-lettered within this time: dead letters are growing.")
  @Default.String("1h")
  String getDeadLetterWindow();

  void setDeadLetterWindow(String value);

  @Description("Print the status as one JSON object instead of text.")
  @Default.Boolean(false)
  boolean getJson();

  void setJson(boolean value);
}
