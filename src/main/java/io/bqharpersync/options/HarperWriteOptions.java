package io.bqharpersync.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** How records are batched into upsert requests. */
public interface HarperWriteOptions extends PipelineOptions {
  @Description("Records per upsert request: 'adaptive' (10000 while a batch is over 1 h behind, "
      + "1000 over 5 min, else 500) or a fixed number.")
  @Default.String("adaptive")
  @TemplateParameter(shape = ParameterShape.BATCH_SIZE, examples = {"1000"})
  String getBatchSize();

  void setBatchSize(String value);

  @Description("Longest a record waits for its batch to fill.")
  @Default.String("500ms")
  @TemplateParameter(shape = ParameterShape.DURATION, examples = {"500ms"})
  String getMaxBufferingDuration();

  void setMaxBufferingDuration(String value);
}
