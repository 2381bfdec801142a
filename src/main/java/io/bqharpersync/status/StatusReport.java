package io.bqharpersync.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqharpersync.checkpoint.ShardCheckpoint;
import io.bqharpersync.options.DurationText;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A sync's state as Harper holds it, at one instant: each shard's committed checkpoint, the dead
 * letters, and each node's last audit; and the alerts that state raises against the thresholds.
 *
 * @param newestDeadLetter when the newest dead letter failed; null when there is none
 */
public record StatusReport(String syncName, Instant at, List<Shard> shards, long deadLetters,
    Instant newestDeadLetter, List<Audit> audits) {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * One shard and its committed checkpoint, null before its first commit.
   *
   * @param rowsPerSecond rows committed per second over about the last minute, from the progress
   *     history; null when the history holds no row of that minute
   */
  public record Shard(int shard, ShardCheckpoint checkpoint, Double rowsPerSecond) {
    /** How far its cursor is behind {@code at}; null before it has committed a row. */
    Duration lag(Instant at) {
      return checkpoint == null || checkpoint.cursor().isStart() ? null
          : Duration.between(checkpoint.cursor().timestamp(), at);
    }

    Duration checkpointAge(Instant at) {
      return checkpoint == null ? null : Duration.between(checkpoint.updatedAt(), at);
    }
  }

  /** A node's newest audit row. */
  public record Audit(String node, Instant at, String status, long missing, long stale,
      long extra, long repaired) {}

  public record Thresholds(Duration maxLag, Duration maxCheckpointAge, Duration deadLetterWindow) {
    /** The thresholds the options set; an error names the option. */
    public static Thresholds from(StatusOptions options) {
      return new Thresholds(
          DurationText.parse("maxLag", options.getMaxLag()),
          DurationText.parse("maxCheckpointAge", options.getMaxCheckpointAge()),
          DurationText.parse("deadLetterWindow", options.getDeadLetterWindow()));
    }
  }

  /** Each alert as one line, naming the shard or node and the threshold it crossed. */
  public List<String> alerts(Thresholds limits) {
    List<String> alerts = new ArrayList<>();
    for (Shard shard : shards) {
      Duration lag = shard.lag(at);
      if (shard.checkpoint() == null) {
        alerts.add("shard " + shard.shard() + ": no checkpoint committed yet");
        continue;
      }
      if (lag != null && lag.compareTo(limits.maxLag()) > 0) {
        alerts.add("shard " + shard.shard() + ": lag " + DurationText.format(lag) + ", over --maxLag "
            + DurationText.format(limits.maxLag()));
      }
      Duration age = shard.checkpointAge(at);
      if (age.compareTo(limits.maxCheckpointAge()) > 0) {
        alerts.add("shard " + shard.shard() + ": checkpoint last committed " + DurationText.format(age)
            + " ago, over --maxCheckpointAge " + DurationText.format(limits.maxCheckpointAge()));
      }
    }
    if (newestDeadLetter != null
        && Duration.between(newestDeadLetter, at).compareTo(limits.deadLetterWindow()) <= 0) {
      alerts.add("dead letters growing: " + deadLetters + " in all, the newest "
          + DurationText.format(Duration.between(newestDeadLetter, at)) + " ago, within --deadLetterWindow "
          + DurationText.format(limits.deadLetterWindow()));
    }
    for (Audit audit : audits) {
      if (audit.status().equals("drift")) {
        alerts.add("node " + audit.node() + ": its last audit (" + audit.at() + ") found drift: "
            + "missing " + audit.missing() + ", stale " + audit.stale() + ", extra "
            + audit.extra() + ", repaired " + audit.repaired());
      }
    }
    return alerts;
  }

  /** For people: a line per shard and per node, then the alerts. */
  public String text(Thresholds limits) {
    StringBuilder out = new StringBuilder("sync " + syncName + " at " + at + "\n");
    for (Shard shard : shards) {
      ShardCheckpoint c = shard.checkpoint();
      out.append(c == null ? String.format("  shard %d: no checkpoint%n", shard.shard())
          : String.format("  shard %d: %-8s lag %-8s cursor %s, %,d rows, %s rows/s, checkpoint %s ago%n",
              shard.shard(), c.phase().label(), shard.lag(at) == null ? "-" : DurationText.format(shard.lag(at)),
              c.cursor().isStart() ? "start" : c.cursor().timestamp(), c.recordsSynced(),
              shard.rowsPerSecond() == null ? "-" : String.format("%,.0f", shard.rowsPerSecond()),
              DurationText.format(shard.checkpointAge(at))));
    }
    out.append(String.format("  dead letters: %,d%s%n", deadLetters, newestDeadLetter == null ? ""
        : ", the newest " + DurationText.format(Duration.between(newestDeadLetter, at)) + " ago"));
    if (audits.isEmpty()) {
      out.append("  audits: none\n");
    }
    for (Audit audit : audits) {
      out.append(String.format("  node %s: last audit %s ago, %s%n", audit.node(),
          DurationText.format(Duration.between(audit.at(), at)), audit.status()));
    }
    List<String> alerts = alerts(limits);
    out.append(alerts.isEmpty() ? "OK: no alert\n" : "ALERT: " + alerts.size() + "\n");
    alerts.forEach(alert -> out.append("  ").append(alert).append('\n'));
    return out.toString();
  }

  /** For machines: the same as one JSON object; durations in seconds. */
  public ObjectNode json(Thresholds limits) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("syncName", syncName);
    root.put("at", at.toString());
    ArrayNode shardNodes = root.putArray("shards");
    for (Shard shard : shards) {
      ObjectNode node = shardNodes.addObject().put("shard", shard.shard());
      ShardCheckpoint c = shard.checkpoint();
      if (c != null) {
        node.put("phase", c.phase().label());
        node.put("cursor", c.cursor().isStart() ? null : c.cursor().timestamp().toString());
        node.put("lagSeconds", shard.lag(at) == null ? null : shard.lag(at).toMillis() / 1000.0);
        node.put("rowsSynced", c.recordsSynced());
        node.put("rowsPerSecond", shard.rowsPerSecond());
        node.put("checkpointAgeSeconds", shard.checkpointAge(at).toMillis() / 1000.0);
      }
    }
    root.put("deadLetters", deadLetters);
    root.put("newestDeadLetter", newestDeadLetter == null ? null : newestDeadLetter.toString());
    ArrayNode auditNodes = root.putArray("audits");
    for (Audit audit : audits) {
      auditNodes.addObject().put("node", audit.node()).put("at", audit.at().toString())
          .put("status", audit.status()).put("missing", audit.missing())
          .put("stale", audit.stale()).put("extra", audit.extra())
          .put("repaired", audit.repaired());
    }
    List<String> alerts = alerts(limits);
    root.put("ok", alerts.isEmpty());
    alerts.forEach(root.putArray("alerts")::add);
    return root;
  }
}
