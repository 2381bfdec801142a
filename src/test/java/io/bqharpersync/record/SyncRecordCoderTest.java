package io.bqharpersync.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

class SyncRecordCoderTest {
  @Test
  void roundTripsEveryField() throws Exception {
    SyncRecord withId =
        new SyncRecord("é-1", -5_000_123L, 3, 1L << 40, 7, 9, "{\"id\":\"é-1\",\"x\":[1,2]}");
    SyncRecord withoutId = new SyncRecord(null, 42L, 0, 0, 0, 1, "{\"x\":1}");
    for (SyncRecord record : new SyncRecord[] {withId, withoutId}) {
      byte[] bytes = CoderUtils.encodeToByteArray(SyncRecordCoder.of(), record);
      assertEquals(record, CoderUtils.decodeFromByteArray(SyncRecordCoder.of(), bytes));
    }
  }
}
