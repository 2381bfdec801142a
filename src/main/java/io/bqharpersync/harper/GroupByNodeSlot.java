package io.bqharpersync.harper;

import io.bqharpersync.record.SyncRecord;
import io.bqharpersync.record.SyncRecordCoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Instant;

/**
 * Groups the records of each bundle by the node slot that owns their primary key, ready for
 * {@code HarperIO.write}'s batching: one element per slot and bundle instead of one per record.
 *
 * <p>Why: the batching step that follows keeps its elements in the runner's state, and on every
 * runner each element costs a state write (on the DirectRunner, far more: its stateful steps
 * handle every element through keyed bundles). A reader's page arrives as one bundle, so its rows
 * for one node cross that step as a single element. A group is emitted early when it reaches
 * {@code maxGroupSize}, so a bundle of any size holds at most that many records per slot.
 */
public final class GroupByNodeSlot
    extends PTransform<PCollection<SyncRecord>, PCollection<KV<Integer, List<SyncRecord>>>> {
  private final int nodeCount;
  private final int maxGroupSize;

  private GroupByNodeSlot(int nodeCount, int maxGroupSize) {
    this.nodeCount = nodeCount;
    this.maxGroupSize = maxGroupSize;
  }

  public static GroupByNodeSlot of(int nodeCount, int maxGroupSize) {
    if (nodeCount < 1) {
      throw new IllegalArgumentException("nodeCount: must be >= 1, got " + nodeCount);
    }
    if (maxGroupSize < 1) {
      throw new IllegalArgumentException("maxGroupSize: must be >= 1, got " + maxGroupSize);
    }
    return new GroupByNodeSlot(nodeCount, maxGroupSize);
  }

  /** The slot of a record: a row without a key still needs a home, the writer dead-letters it. */
  static int slotOf(SyncRecord record, int nodeCount) {
    return record.id() == null ? 0 : NodeSlots.slotOf(record.id(), nodeCount);
  }

  @Override
  public PCollection<KV<Integer, List<SyncRecord>>> expand(PCollection<SyncRecord> records) {
    return records
        .apply("GroupPerBundle", ParDo.of(new GroupFn(nodeCount, maxGroupSize)))
        .setCoder(KvCoder.of(VarIntCoder.of(), ListCoder.of(SyncRecordCoder.of())));
  }

  private static final class GroupFn extends DoFn<SyncRecord, KV<Integer, List<SyncRecord>>> {
    private final int nodeCount;
    private final int maxGroupSize;
    /** Per window, per slot, the records of this bundle not yet emitted. */
    private transient Map<BoundedWindow, Groups> pending;

    GroupFn(int nodeCount, int maxGroupSize) {
      this.nodeCount = nodeCount;
      this.maxGroupSize = maxGroupSize;
    }

    @StartBundle
    public void startBundle() {
      pending = new HashMap<>();
    }

    @ProcessElement
    public void process(@Element SyncRecord record, @Timestamp Instant timestamp,
        BoundedWindow window, OutputReceiver<KV<Integer, List<SyncRecord>>> out) {
      Groups groups = pending.computeIfAbsent(window, w -> new Groups(nodeCount));
      int slot = slotOf(record, nodeCount);
      List<SyncRecord> group = groups.add(slot, record, timestamp);
      if (group.size() >= maxGroupSize) {
        // At this record's timestamp: a DoFn may not emit behind the element it processes.
        out.output(KV.of(slot, group));
        groups.clear(slot);
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      for (Map.Entry<BoundedWindow, Groups> entry : pending.entrySet()) {
        Groups groups = entry.getValue();
        for (int slot = 0; slot < nodeCount; slot++) {
          if (!groups.records.get(slot).isEmpty()) {
            // The earliest timestamp of the group, so nothing is emitted behind its input.
            context.output(KV.of(slot, groups.records.get(slot)), groups.takeTimestamp(slot),
                entry.getKey());
          }
        }
      }
      pending = null;
    }
  }

  /** One window's records of a bundle, per slot, with the earliest timestamp of each group. */
  private static final class Groups {
    final List<List<SyncRecord>> records = new ArrayList<>();
    final Instant[] earliest;

    Groups(int slots) {
      earliest = new Instant[slots];
      for (int slot = 0; slot < slots; slot++) {
        records.add(new ArrayList<>());
      }
    }

    List<SyncRecord> add(int slot, SyncRecord record, Instant timestamp) {
      if (earliest[slot] == null || timestamp.isBefore(earliest[slot])) {
        earliest[slot] = timestamp;
      }
      List<SyncRecord> group = records.get(slot);
      group.add(record);
      return group;
    }

    Instant takeTimestamp(int slot) {
      Instant timestamp = earliest[slot];
      earliest[slot] = null;
      return timestamp;
    }

    void clear(int slot) {
      records.set(slot, new ArrayList<>());
      earliest[slot] = null;
    }
  }
}
