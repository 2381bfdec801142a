package io.bqharpersync.harper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LiveNodesTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final LiveNodes live = new LiveNodes(3, 15_000, now::get);
  private final List<String> failovers = new ArrayList<>();

  private static HarperException.Retriable unreachable() {
    return new HarperException.Retriable("connection refused", 0, null);
  }

  @Test
  void aWriteWhoseOwnerDoesNotAnswerGoesToTheOtherNodesAndReturnsWhenTheOwnerIsBack() {
    boolean[] ownerUp = {false};
    java.util.function.IntFunction<Integer> write = node -> {
      if (node == 1 && !ownerUp[0]) {
        throw unreachable();
      }
      return node;
    };
    assertEquals(2, live.onLiveNode(1, write, (from, to) -> failovers.add(from + "->" + to)));
    assertEquals(List.of("1->2", "1->0"), failovers, "every other node takes the write");
    ownerUp[0] = true;
    now.addAndGet(5_000);
    assertEquals(2, live.onLiveNode(1, write, (from, to) -> failovers.add(from + "->" + to)),
        "a node known to be down is left alone for a while");
    now.addAndGet(15_000);
    assertEquals(1, live.onLiveNode(1, write, (from, to) -> failovers.add(from + "->" + to)),
        "then its writes return to it");
  }

  @Test
  void anAnsweredErrorIsNotAFailover() {
    HarperException.Retriable overloaded = new HarperException.Retriable("HTTP 503", 503, null);
    assertEquals(overloaded, assertThrows(HarperException.Retriable.class,
        () -> live.onLiveNode(0, node -> { throw overloaded; }, (from, to) -> failovers.add("x"))));
    assertEquals(List.of(), failovers);
  }

  @Test
  void whenNoNodeAnswersTheLastFailureIsThrown() {
    assertThrows(HarperException.Retriable.class,
        () -> live.onLiveNode(0, node -> { throw unreachable(); }, (from, to) -> { }));
    assertEquals(List.of(0, 1, 2), live.candidates(0), "all down: the owner is still tried first");
  }
}
