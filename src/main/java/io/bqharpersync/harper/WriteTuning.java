package io.bqharpersync.harper;

import static io.bqharpersync.options.OptionChecks.invalid;
import static io.bqharpersync.options.OptionChecks.positiveDuration;

import io.bqharpersync.options.HarperWriteOptions;
import io.bqharpersync.retry.RetryPolicy;
import java.io.Serializable;
import java.time.Duration;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** How records are batched into upsert requests, and how failed requests are retried. */
public record WriteTuning(BatchSizePolicy batchSize, Duration maxBufferingDuration,
    RetryPolicy retry) implements Serializable {

  public static WriteTuning from(HarperWriteOptions options) {
    BatchSizePolicy batchSize;
    try {
      batchSize = BatchSizePolicy.parse(options.getBatchSize());
    } catch (IllegalArgumentException e) {
      throw invalid("batchSize", e.getMessage());
    }
    return new WriteTuning(batchSize,
        positiveDuration("maxBufferingDuration", options.getMaxBufferingDuration()),
        RetryPolicy.defaults());
  }

  /** The defaults of {@link HarperWriteOptions}: declared there, nowhere else. */
  public static WriteTuning defaults() {
    return from(PipelineOptionsFactory.as(HarperWriteOptions.class));
  }
}
