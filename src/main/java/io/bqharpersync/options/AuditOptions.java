package io.bqharpersync.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** How the content audit runs: inside a continuous job, and in {@code scripts/drift-check}. */
public interface AuditOptions extends PipelineOptions {
  @Description("continuous only: every this long, compare every Harper node with the source for "
      + "the rows that closed since the last audit (behind every shard's committed cursor and "
      + "--lookback) and rewrite on a node the keys it lacks or holds stale. Each run reads "
      + "every node's keys and versions once and the newly closed source rows once. 0s turns it off.")
  @Default.String("0s")
  @TemplateParameter(shape = ParameterShape.DURATION, examples = {"0s", "15m"})
  String getAuditInterval();

  void setAuditInterval(String value);

  @Description("How long a key that differs on a node is looked up again before the audit calls "
      + "it drift: replication is asynchronous, so a row written just now may still be on its way.")
  @Default.String("30s")
  @TemplateParameter(shape = ParameterShape.DURATION, examples = {"30s"})
  String getAuditSettle();

  void setAuditSettle(String value);

  @Description("Audit only Harper keys that start with this: for a table that several syncs, or "
      + "other writers, share. Default: every key of the table.")
  @Default.String("")
  String getAuditIdPrefix();

  void setAuditIdPrefix(String value);

  @Description("The most keys of one side an audit holds in memory at once when it lists the "
      + "keys of differing buckets; more differing keys take more passes, not more memory.")
  @Default.Integer(200_000)
  @TemplateParameter(shape = ParameterShape.POSITIVE_INTEGER, examples = {"200000"})
  int getAuditListLimit();

  void setAuditListLimit(int value);
}
