package io.bqharpersync.harper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bqharpersync.record.SyncRecord;
import io.bqharpersync.record.SyncRecordCoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;

/** Grouping each bundle's records per owning node, on the DirectRunner. */
class GroupByNodeSlotTest {
  private static final int NODES = 3;

  /** {@code count} records of one page, every 50th without a key. */
  private static List<SyncRecord> records(int count) {
    List<SyncRecord> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = i % 50 == 49 ? null : "row-" + i;
      records.add(new SyncRecord(id, 1_000L + i, 0, 7, i, count, "{\"n\":" + i + "}"));
    }
    return records;
  }

  private static PCollection<KV<Integer, List<SyncRecord>>> grouped(TestPipeline pipeline,
      List<SyncRecord> records, int maxGroupSize) {
    return pipeline
        .apply(Create.of(records).withCoder(SyncRecordCoder.of()))
        .apply(GroupByNodeSlot.of(NODES, maxGroupSize));
  }

  @Test
  void everyRecordLandsOnceInAGroupOfItsOwningSlot() {
    List<SyncRecord> records = records(3_000);
    int expected = records.size();
    TestPipeline pipeline = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    PAssert.that(grouped(pipeline, records, 400)).satisfies(groups -> {
      Map<Integer, Integer> seen = new HashMap<>();
      for (KV<Integer, List<SyncRecord>> group : groups) {
        assertTrue(group.getValue().size() <= 400, "a group over maxGroupSize: "
            + group.getValue().size());
        for (SyncRecord record : group.getValue()) {
          assertEquals(GroupByNodeSlot.slotOf(record, NODES), group.getKey(),
              "record " + record.pageIndex() + " in another node's group");
          seen.merge(record.pageIndex(), 1, Integer::sum);
        }
      }
      assertEquals(expected, seen.size(), "records missing");
      seen.forEach((index, times) -> assertEquals(1, times, "record " + index + " repeated"));
      return null;
    });
    pipeline.run().waitUntilFinish();
  }

  /** The point of the step: the batching after it handles groups, not single records. */
  @Test
  void recordsCrossAsFewGroups() {
    List<SyncRecord> records = records(3_000);
    TestPipeline pipeline = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    PAssert.that(grouped(pipeline, records, 10_000)).satisfies(groups -> {
      int count = 0;
      for (KV<Integer, List<SyncRecord>> ignored : groups) {
        count++;
      }
      // At most one group per slot and bundle. The DirectRunner splits a Create into a few dozen
      // bundles (65 groups in a run here); one group per record would be 3,000.
      assertTrue(count <= 300, count + " groups for 3,000 records in 3 slots");
      return null;
    });
    pipeline.run().waitUntilFinish();
  }

  @Test
  void refusesNoNodesOrAnEmptyGroupSize() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> GroupByNodeSlot.of(0, 10))
        .getMessage().contains("nodeCount"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> GroupByNodeSlot.of(3, 0))
        .getMessage().contains("maxGroupSize"));
  }
}
