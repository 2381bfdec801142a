package io.bqharpersync.harper;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which node takes a write when the node that owns it does not answer. The owning node is an
 * optimisation (each key's writes on one node, no two nodes racing for it), not a correctness
 * rule: Harper replicates every write to every node. So a write whose owner is unreachable goes to
 * the other nodes that answer, and the owner is left alone for a while; after that, writes return
 * to it. A node that answers with an error (overloaded, refusing) is not "down": that error is the
 * caller's to retry or raise.
 */
public final class LiveNodes {
  private static final Logger LOG = LoggerFactory.getLogger(LiveNodes.class);

  /** Hooks for metrics. */
  public interface Listener {
    void failedOver(int owner, int to);
  }

  /** How long an unreachable node is left alone before its writes return to it. */
  public static final long DOWN_FOR_MILLIS = 15_000;

  private final int count;
  private final long downForMillis;
  private final LongSupplier clock;
  private final long[] downUntil;

  /** For {@code count} nodes, on the wall clock, each left alone {@link #DOWN_FOR_MILLIS}. */
  public static LiveNodes of(int count) {
    return new LiveNodes(count, DOWN_FOR_MILLIS, System::currentTimeMillis);
  }

  public LiveNodes(int count, long downForMillis, LongSupplier clock) {
    this.count = count;
    this.downForMillis = downForMillis;
    this.clock = clock;
    this.downUntil = new long[count];
  }

  /**
   * Runs {@code call} on {@code owner}; when it gives no reply, on every other node that answers,
   * and returns the first of their results. Every other node, not one: a degraded cluster's
   * replication was seen to lose copies (a three-minute stop of one node left 961 of the writes
   * that went to a second node missing from the third), and conditional writes make the extra
   * copies harmless. Throws the last failure when no node answers.
   */
  public <T> T onLiveNode(int owner, IntFunction<T> call, Listener listener) {
    HarperException unreachable = null;
    boolean ownerTried = clock.getAsLong() >= downUntil[owner];
    if (ownerTried) {
      try {
        return call.apply(owner);
      } catch (HarperException.Retriable e) {
        if (!isUnreachable(e)) {
          throw e;
        }
        LOG.warn("Harper node {} does not answer ({}); its writes go to every other node for {} s",
            owner, e.getMessage(), downForMillis / 1000);
        downUntil[owner] = clock.getAsLong() + downForMillis;
        unreachable = e;
      }
    }
    T first = null;
    for (int node : candidates(owner)) {
      if (node == owner) {
        continue;
      }
      try {
        T result = call.apply(node);
        listener.failedOver(owner, node);
        if (first == null) {
          first = result;
        }
      } catch (HarperException.Retriable e) {
        if (!isUnreachable(e)) {
          throw e;
        }
        downUntil[node] = clock.getAsLong() + downForMillis;
        unreachable = e;
      }
    }
    if (first != null) {
      return first;
    }
    // Every other node is down too: the owner, though marked down, is the last resort.
    return ownerTried ? throwing(unreachable) : call.apply(owner);
  }

  private static <T> T throwing(HarperException e) {
    throw e;
  }

  /**
   * {@code call} on a live node as {@link #onLiveNode}, each node's answered errors retried under
   * {@code retry}; when no node answers, the whole round is retried under {@code retry} too, so a
   * cluster-wide blip is waited out as a single node's would be.
   */
  public <T> T withRetries(int owner, IntFunction<T> call, io.bqharpersync.retry.RetryPolicy retry,
      Runnable onRetry, Listener listener) {
    return retry.run(() -> onLiveNode(owner,
        node -> retry.run(() -> call.apply(node),
            e -> HarperException.isRetriable(e) && !isUnreachable(e), onRetry),
        listener), LiveNodes::isUnreachable, onRetry);
  }

  /** The owner first, then the others in slot order; nodes known to be down at the end. */
  List<Integer> candidates(int owner) {
    long now = clock.getAsLong();
    List<Integer> up = new ArrayList<>();
    List<Integer> down = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int node = (owner + i) % count;
      (now < downUntil[node] ? down : up).add(node);
    }
    up.addAll(down);
    return up;
  }

  /** No reply at all: refused, reset, timed out. An HTTP error is a reply. */
  public static boolean isUnreachable(RuntimeException e) {
    return e instanceof HarperException.Retriable && ((HarperException.Retriable) e).statusCode() == 0;
  }
}
