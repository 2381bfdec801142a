package io.bqharpersync.harper;

import io.bqharpersync.record.SyncRecord;
import io.bqharpersync.record.SyncRecordCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/** Keys each record by the node slot that owns its primary key, ready for {@code HarperIO.write}. */
public final class KeyByNodeSlot
    extends PTransform<PCollection<SyncRecord>, PCollection<KV<Integer, SyncRecord>>> {
  private final int nodeCount;

  private KeyByNodeSlot(int nodeCount) {
    this.nodeCount = nodeCount;
  }

  public static KeyByNodeSlot of(int nodeCount) {
    if (nodeCount < 1) {
      throw new IllegalArgumentException("nodeCount: must be >= 1, got " + nodeCount);
    }
    return new KeyByNodeSlot(nodeCount);
  }

  @Override
  public PCollection<KV<Integer, SyncRecord>> expand(PCollection<SyncRecord> records) {
    int nodes = nodeCount;
    return records
        .apply(
            "SlotOfPrimaryKey",
            MapElements.into(
                    TypeDescriptors.kvs(
                        TypeDescriptors.integers(),
                        TypeDescriptor.of(SyncRecord.class)))
                // A row without a key still needs a home: the writer dead-letters it there.
                .via(r -> KV.of(r.id() == null ? 0 : NodeSlots.slotOf(r.id(), nodes), r)))
        .setCoder(KvCoder.of(VarIntCoder.of(), SyncRecordCoder.of()));
  }
}
