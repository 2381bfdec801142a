package io.bqharpersync.harper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NodeSlotsTest {
  @Test
  void keysSpreadEvenlyOverNodes() {
    int[] counts = new int[3];
    for (int i = 0; i < 30_000; i++) {
      counts[NodeSlots.slotOf("device-" + i, 3)]++;
    }
    for (int count : counts) {
      assertTrue(Math.abs(count - 10_000) < 500, "slot sizes " + java.util.Arrays.toString(counts));
    }
  }

  @Test
  void addingANodeMovesOnlyItsShareOfKeys() {
    int moved = 0;
    int keys = 30_000;
    for (int i = 0; i < keys; i++) {
      String id = "device-" + i;
      int before = NodeSlots.slotOf(id, 3);
      int after = NodeSlots.slotOf(id, 4);
      if (before != after) {
        moved++;
        assertEquals(3, after, "a moved key may only move to the new node");
      }
    }
    // About a quarter move; a modulo would move about three quarters.
    assertTrue(moved > keys * 0.22 && moved < keys * 0.28, "moved " + moved);
  }

  @Test
  void slotIsStable() {
    assertEquals(NodeSlots.slotOf("abc", 5), NodeSlots.slotOf("abc", 5));
  }
}
