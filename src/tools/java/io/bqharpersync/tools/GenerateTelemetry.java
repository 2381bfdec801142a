package io.bqharpersync.tools;

import io.bqharpersync.record.SyncRecord;
import io.bqharpersync.record.SyncRecordCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;

/** A bounded source of {@link SyntheticTelemetry} records, generated on the workers. */
public final class GenerateTelemetry extends PTransform<PBegin, PCollection<SyncRecord>> {
  private final SyntheticTelemetry telemetry;

  public GenerateTelemetry(SyntheticTelemetry telemetry) {
    this.telemetry = telemetry;
  }

  @Override
  public PCollection<SyncRecord> expand(PBegin begin) {
    SyntheticTelemetry source = telemetry;
    return begin
        .apply("Indices", GenerateSequence.from(0).to(source.count()))
        .apply("ToRecords",
            MapElements.into(TypeDescriptor.of(SyncRecord.class)).via(source::record))
        .setCoder(SyncRecordCoder.of());
  }
}
