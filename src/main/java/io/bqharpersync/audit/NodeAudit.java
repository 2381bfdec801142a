package io.bqharpersync.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * What one node held against the source in one audit window. Keys are named up to {@link
 * #NAMED}; the counts are always whole.
 */
public final class NodeAudit {
  static final int NAMED = 1000;

  public final int slot;
  public final AuditWindow window;
  /** Keys whose newest source row lies in the window. */
  public long sourceKeys;
  /** Keys whose version on this node lies in the window. */
  public long nodeKeys;
  public final Named missing = new Named();
  public final Named stale = new Named();
  public final Named extra = new Named();
  /** Keys this node lacks because Harper refused their row: in the dead letters, not drift. */
  public long deadLettered;
  public long repaired;

  NodeAudit(int slot, AuditWindow window) {
    this.slot = slot;
    this.window = window;
  }

  /** Keys of one kind: how many, and the first {@link #NAMED} of them. */
  public static final class Named {
    private final List<String> keys = new ArrayList<>();
    private long count;

    void add(String key) {
      count++;
      if (keys.size() < NAMED) {
        keys.add(key);
      }
    }

    public long count() {
      return count;
    }

    public List<String> keys() {
      return keys;
    }

    @Override
    public String toString() {
      return count + (keys.isEmpty() ? "" : " " + keys.subList(0, Math.min(5, keys.size()))
          + (count > 5 ? "…" : ""));
    }
  }

  /** Whether the node holds every key's newest row and nothing else, after any repair. */
  public boolean ok() {
    return extra.count() == 0 && repaired == missing.count() + stale.count();
  }

  String status() {
    if (missing.count() + stale.count() + extra.count() == 0) {
      return "ok";
    }
    return ok() ? "repaired" : "drift";
  }

  @Override
  public String toString() {
    return "node " + slot + ": " + status() + ", window " + window + ", source keys " + sourceKeys
        + ", node keys " + nodeKeys + ", missing " + missing + ", stale " + stale + ", extra "
        + extra + ", dead-lettered " + deadLettered + ", repaired " + repaired;
  }
}
