package io.bqharpersync.harper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BatchSizePolicyTest {
  @Test
  void adaptiveFollowsTheLagTiers() {
    BatchSizePolicy policy = BatchSizePolicy.parse("adaptive");
    assertEquals(10_000, policy.sizeFor(Duration.ofHours(3)));
    assertEquals(1_000, policy.sizeFor(Duration.ofMinutes(30)));
    assertEquals(1_000, policy.sizeFor(Duration.ofMinutes(5).plusSeconds(1)));
    assertEquals(500, policy.sizeFor(Duration.ofMinutes(5)));
    assertEquals(500, policy.sizeFor(Duration.ofSeconds(2)));
    assertEquals(10_000, policy.max());
  }

  @Test
  void aFixedSizeIgnoresTheLag() {
    BatchSizePolicy policy = BatchSizePolicy.parse("2500");
    assertEquals(2500, policy.sizeFor(Duration.ofDays(2)));
    assertEquals(2500, policy.sizeFor(Duration.ZERO));
  }

  @Test
  void badValuesAreRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BatchSizePolicy.parse("lots"));
    assertTrue(e.getMessage().contains("'lots'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BatchSizePolicy.parse("0"));
  }

  @Test
  void aBatchIsSplitIntoRequestsByTheLagOfItsOldestRecord() {
    long nowMicros = System.currentTimeMillis() * 1000;
    java.util.List<io.bqharpersync.record.SyncRecord> records = java.util.List.of(
        new io.bqharpersync.record.SyncRecord("a", nowMicros, 0, 0, 0, 2, "{}"),
        new io.bqharpersync.record.SyncRecord("b", nowMicros - 7_200_000_000L, 0, 0, 1, 2, "{}"));
    Duration lag = WriteBatchFn.lagOf(records);
    assertTrue(lag.compareTo(Duration.ofHours(2)) >= 0 && lag.compareTo(Duration.ofHours(3)) < 0,
        "lag " + lag);
  }
}
