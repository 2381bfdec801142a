package io.bqharpersync.harper;

import io.bqharpersync.record.PageAck;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What {@link HarperIO.Write} produced: one {@link PageAck} per upsert request and source page,
 * saying which records of that page are now written or dead-lettered. The caller decides what
 * follows, such as committing checkpoints. Written, dead-lettered and retried counts are Beam
 * metrics of the write step ({@code records_written}, {@code dead_letters}, {@code retries}).
 */
public final class WriteResult implements POutput {
  private static final TupleTag<PageAck> ACKNOWLEDGED = new TupleTag<>("acknowledged");

  private final Pipeline pipeline;
  private final PCollection<PageAck> acknowledged;

  WriteResult(Pipeline pipeline, PCollection<PageAck> acknowledged) {
    this.pipeline = pipeline;
    this.acknowledged = acknowledged;
  }

  /** The acknowledgements, in no particular order. */
  public PCollection<PageAck> acknowledged() {
    return acknowledged;
  }

  @Override
  public Pipeline getPipeline() {
    return pipeline;
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    return Map.of(ACKNOWLEDGED, acknowledged);
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, PInput input, PTransform<?, ?> transform) {}
}
