package io.bqharpersync.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SyncPhaseTest {
  @Test
  void initialUntilFirstCaughtUpThenCatchupWhenBehindAgain() {
    Duration behind = Duration.ofHours(2);
    Duration close = Duration.ofSeconds(10);
    assertEquals(SyncPhase.INITIAL, SyncPhase.after(null, behind));
    assertEquals(SyncPhase.INITIAL, SyncPhase.after(SyncPhase.INITIAL, behind));
    assertEquals(SyncPhase.STEADY, SyncPhase.after(SyncPhase.INITIAL, close));
    assertEquals(SyncPhase.CATCHUP, SyncPhase.after(SyncPhase.STEADY, behind));
    assertEquals(SyncPhase.STEADY, SyncPhase.after(SyncPhase.CATCHUP, close));
    assertEquals(SyncPhase.CATCHUP, SyncPhase.fromLabel("catchup"));
  }
}
