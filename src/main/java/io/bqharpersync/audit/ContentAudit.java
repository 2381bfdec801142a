package io.bqharpersync.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqharpersync.audit.SourceVersions.Newest;
import io.bqharpersync.harper.DeadLetter;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.harper.HarperException;
import io.bqharpersync.pipeline.SyncConfig;
import io.bqharpersync.record.SyncVersion;
import io.bqharpersync.retry.RetryPolicy;
import io.bqharpersync.source.BigQueryShardReader;
import io.bqharpersync.source.TableQueries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares the content of every Harper node with the source, key by key, in bounded memory, and
 * with {@code repair} rewrites on a node exactly the keys it lacks or holds stale.
 *
 * <p>What is compared: for every key whose newest source row lies in the {@link AuditWindow}, the
 * version the sync gives that row ({@link SyncVersion}: its cursor timestamp and a fingerprint of
 * its synced columns) against the version the node holds. Harper writes a row and its version in
 * one put, so equal versions mean equal content.
 *
 * <p>How, per window:
 * <ol>
 *   <li>Digest pass: the source's newest rows are read once (key order) and every node's (key,
 *       version) pairs once, each side summed into {@value #BUCKETS} key buckets per sign ({@link
 *       VersionDigests}). Nodes that agree are done after this one read.
 *   <li>Listing pass, only for buckets that differ, in chunks of at most {@link #listLimit} keys:
 *       the source's rows of those buckets, whose keys are looked up on each differing node by id.
 *       When what the node holds of them sums to its digest of a bucket, that is everything it
 *       holds there; only a bucket where it holds keys the source lacks costs a second read of the
 *       node. Then the versions are compared key by key.
 *   <li>Keys still wrong after {@code settle} (replication is asynchronous) are named: missing,
 *       stale, or extra (the node holds a key or a version the source does not). Keys whose row
 *       Harper refused are in the dead letters and are not drift.
 *   <li>Repair writes the source's newest row of each missing and stale key to that node through
 *       {@code SyncUpsert}, so it never replaces a newer row; Harper replicates it on. Extra keys
 *       are reported, not deleted: the sync does not propagate deletes.
 * </ol>
 * Each node's outcome is a row of {@code SyncAudit}.
 */
public final class ContentAudit {
  /** Key buckets per sign: two longs each per side, 1 MB in all, whatever the table's size. */
  static final int BUCKETS = 1 << 15;
  /** Buckets per listing query: each is one query parameter. */
  private static final int BUCKETS_PER_CHUNK = 1000;
  private static final int LOOKUP_BATCH = 500;
  public static final String AUDIT_TABLE = "SyncAudit";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final SyncConfig config;
  private final BigQueryShardReader reader;
  private final HarperClient harper;
  private final String idPrefix;
  private final Duration settle;
  private final int listLimit;
  private final TableQueries queries;
  /** Where the last run's time went: reading the source, reading nodes, waiting to settle. */
  private long sourceNanos;
  private long nodeNanos;
  private long settleNanos;

  /** Seconds the last {@link #run} spent on each side, for the benchmark and the log. */
  public record Cost(double sourceSeconds, double nodeSeconds, double settleSeconds) {}

  /** An audit as {@code config.audit()} says: its key prefix, settle time and list limit. */
  public ContentAudit(SyncConfig config, BigQueryShardReader reader, HarperClient harper) {
    this.config = config;
    this.reader = reader;
    this.harper = harper;
    this.idPrefix = config.audit().idPrefix();
    this.settle = config.audit().settle();
    this.listLimit = config.audit().listLimit();
    this.queries = config.source().queries();
  }

  public Cost lastCost() {
    return new Cost(sourceNanos / 1e9, nodeNanos / 1e9, settleNanos / 1e9);
  }

  public List<NodeAudit> run(AuditWindow window, boolean repair) {
    sourceNanos = 0;
    nodeNanos = 0;
    settleNanos = 0;
    long started = System.nanoTime();
    VersionDigests source = SourceVersions.fold(reader, queries,
        queries.newestRows(window.from(), window.until(), BUCKETS, null),
        () -> new VersionDigests(BUCKETS), (digests, row) -> {
          if (row.key().startsWith(idPrefix)) {
            digests.add(row.key(), row.version());
          }
        });
    sourceNanos += System.nanoTime() - started;
    List<NodeAudit> audits = new ArrayList<>();
    List<Set<Integer>> differing = new ArrayList<>();
    List<VersionDigests> nodeDigests = new ArrayList<>();
    TreeSet<Integer> anyDiffering = new TreeSet<>();
    Map<Integer, Long> bucketSizes = new HashMap<>();
    for (int slot = 0; slot < harper.connection().nodeCount(); slot++) {
      VersionDigests node = new VersionDigests(BUCKETS);
      started = System.nanoTime();
      NodeVersions.forEach(harper, slot, database(), table(), idColumn(), idPrefix, window,
          node::add);
      nodeNanos += System.nanoTime() - started;
      NodeAudit audit = new NodeAudit(slot, window);
      audit.sourceKeys = source.total();
      audit.nodeKeys = node.total();
      Set<Integer> buckets = new HashSet<>(node.differing(source));
      for (int bucket : buckets) {
        bucketSizes.merge(bucket, Math.max(source.count(bucket), node.count(bucket)), Math::max);
      }
      anyDiffering.addAll(buckets);
      differing.add(buckets);
      nodeDigests.add(node);
      audits.add(audit);
    }
    if (!anyDiffering.isEmpty()) {
      Set<String> deadLettered = deadLetteredKeys();
      for (List<Integer> chunk : chunks(anyDiffering, bucketSizes)) {
        started = System.nanoTime();
        Map<String, Newest> sourceRows = SourceVersions.fold(reader, queries,
            queries.newestRows(window.from(), null, BUCKETS, chunk), HashMap::new,
            (rows, row) -> rows.put(row.key(), row));
        sourceNanos += System.nanoTime() - started;
        Map<NodeAudit, List<Newest>> wrong = new LinkedHashMap<>();
        for (NodeAudit audit : audits) {
          Set<Integer> buckets = new HashSet<>(chunk);
          buckets.retainAll(differing.get(audit.slot));
          if (!buckets.isEmpty()) {
            started = System.nanoTime();
            wrong.put(audit, compare(audit, buckets, sourceRows, nodeDigests.get(audit.slot)));
            nodeNanos += System.nanoTime() - started;
          }
        }
        started = System.nanoTime();
        settle(wrong);
        settleNanos += System.nanoTime() - started;
        wrong.forEach((audit, behind) -> name(audit, behind, deadLettered, repair));
      }
    }
    audits.forEach(this::record);
    return audits;
  }

  /**
   * The source rows of {@code buckets} that one node holds older or not at all; names the keys it
   * holds that the source does not (extra) on the way.
   *
   * <p>The source's keys of those buckets are looked up on the node by id. When what it holds of
   * them sums to the node's digest of each bucket, that is all it holds there and the node is not
   * read again; only buckets where it holds keys the source lacks cost a second read of the node.
   */
  private List<Newest> compare(NodeAudit audit, Set<Integer> buckets,
      Map<String, Newest> sourceRows, VersionDigests nodeDigest) {
    List<String> keys = new ArrayList<>();
    for (Newest row : sourceRows.values()) {
      if (row.key().startsWith(idPrefix)
          && buckets.contains(TableQueries.keyBucket(row.key(), BUCKETS))) {
        keys.add(row.key());
      }
    }
    Map<String, String> held = versionsOn(audit.slot, keys);
    VersionDigests found = new VersionDigests(BUCKETS);
    held.forEach((key, version) -> {
      if (audit.window.containsVersion(version)) {
        found.add(key, version);
      }
    });
    Set<Integer> unexplained = new HashSet<>();
    for (int bucket : buckets) {
      if (!nodeDigest.sameIn(bucket, found)) {
        unexplained.add(bucket);
      }
    }
    if (!unexplained.isEmpty()) {
      NodeVersions.forEach(harper, audit.slot, database(), table(), idColumn(), idPrefix,
          audit.window, (key, version) -> {
            if (unexplained.contains(TableQueries.keyBucket(key, BUCKETS))) {
              held.put(key, version);
            }
          });
    }
    List<Newest> wrong = new ArrayList<>();
    for (Newest row : sourceRows.values()) {
      if (audit.window.contains(row.micros()) && row.key().startsWith(idPrefix)
          && buckets.contains(TableQueries.keyBucket(row.key(), BUCKETS))
          && row.version().compareTo(held.getOrDefault(row.key(), "")) > 0) {
        wrong.add(row);
      }
    }
    for (Map.Entry<String, String> entry : held.entrySet()) {
      if (!audit.window.containsVersion(entry.getValue())) {
        continue;
      }
      Newest row = sourceRows.get(entry.getKey());
      // A key whose newest source row is beyond the window is on its way; not this audit's.
      if (row == null || (!audit.window.isAfter(row.micros())
          && entry.getValue().compareTo(row.version()) > 0)) {
        audit.extra.add(entry.getKey());
      }
    }
    return wrong;
  }

  /**
   * Looks up, on its node, each key a node held wrong, again every second until {@code settle}
   * ends (one wait for every node), keeping in {@code wrong} only the rows still behind.
   */
  private void settle(Map<NodeAudit, List<Newest>> wrong) {
    long deadline = System.nanoTime() + settle.toNanos();
    while (true) {
      boolean anyBehind = false;
      for (Map.Entry<NodeAudit, List<Newest>> node : wrong.entrySet()) {
        Map<String, String> held = versionsOf(node.getKey().slot, node.getValue());
        List<Newest> behind = new ArrayList<>();
        for (Newest row : node.getValue()) {
          String version = held.get(row.key());
          if (version == null || version.compareTo(row.version()) < 0) {
            behind.add(row);
          } else if (version.compareTo(row.version()) > 0) {
            node.getKey().extra.add(row.key());
          }
        }
        node.setValue(behind);
        anyBehind |= !behind.isEmpty();
      }
      if (!anyBehind || System.nanoTime() >= deadline) {
        return;
      }
      sleep(Duration.ofSeconds(1));
    }
  }

  /** Names a node's keys still behind as missing or stale, and rewrites them there if asked. */
  private void name(NodeAudit audit, List<Newest> behind, Set<String> deadLettered,
      boolean repair) {
    Map<String, String> held = versionsOf(audit.slot, behind);
    List<Newest> toRepair = new ArrayList<>();
    for (Newest row : behind) {
      if (deadLettered.contains(row.key())) {
        audit.deadLettered++;
        continue;
      }
      if (held.containsKey(row.key())) {
        audit.stale.add(row.key());
      } else {
        audit.missing.add(row.key());
      }
      toRepair.add(row);
    }
    if (repair && !toRepair.isEmpty()) {
      upsert(audit.slot, toRepair);
      Map<String, String> now = versionsOf(audit.slot, toRepair);
      for (Newest row : toRepair) {
        if (row.version().compareTo(now.getOrDefault(row.key(), "")) <= 0) {
          audit.repaired++;
        }
      }
    }
  }

  /** The version node {@code slot} holds for each of these rows' keys. */
  private Map<String, String> versionsOf(int slot, List<Newest> rows) {
    List<String> keys = new ArrayList<>(rows.size());
    rows.forEach(row -> keys.add(row.key()));
    return versionsOn(slot, keys);
  }

  /** The version node {@code slot} holds for each of these keys ("" for a row without one). */
  private Map<String, String> versionsOn(int slot, List<String> keys) {
    Map<String, String> versions = new HashMap<>();
    rowsOn(harper, config, slot, keys).forEach((key, row) ->
        versions.put(key, row.path(SyncVersion.FIELD).asText("")));
    return versions;
  }

  /** The rows node {@code slot} holds of these keys, by key, looked up by id in batches. */
  static Map<String, JsonNode> rowsOn(HarperClient harper, SyncConfig config, int slot,
      List<String> keys) {
    String database = config.target().database();
    String table = config.target().table();
    Map<String, JsonNode> rows = new HashMap<>();
    for (int from = 0; from < keys.size(); from += LOOKUP_BATCH) {
      List<String> batch = keys.subList(from, Math.min(keys.size(), from + LOOKUP_BATCH));
      List<JsonNode> found = config.writing().retry().run(
          () -> harper.searchById(slot, database, table, batch), HarperException::isRetriable,
          () -> {});
      for (JsonNode row : found) {
        rows.put(NodeVersions.key(row.path(config.source().idColumn())), row);
      }
    }
    return rows;
  }

  private void upsert(int slot, List<Newest> rows) {
    for (int from = 0; from < rows.size(); from += LOOKUP_BATCH) {
      List<String> batch = new ArrayList<>();
      for (Newest row : rows.subList(from, Math.min(rows.size(), from + LOOKUP_BATCH))) {
        batch.add(row.json().toString());
      }
      retry().run(() -> harper.conditionalUpsert(slot, database(), table(), batch),
          HarperException::isRetriable, () -> {});
    }
  }

  /** Groups differing buckets so that one listing pass holds at most {@link #listLimit} keys. */
  private List<List<Integer>> chunks(TreeSet<Integer> buckets, Map<Integer, Long> sizes) {
    List<List<Integer>> chunks = new ArrayList<>();
    List<Integer> chunk = new ArrayList<>();
    long keys = 0;
    for (int bucket : buckets) {
      long size = sizes.getOrDefault(bucket, 0L);
      if (!chunk.isEmpty() && (keys + size > listLimit || chunk.size() == BUCKETS_PER_CHUNK)) {
        chunks.add(chunk);
        chunk = new ArrayList<>();
        keys = 0;
      }
      chunk.add(bucket);
      keys += size;
    }
    if (!chunk.isEmpty()) {
      chunks.add(chunk);
    }
    return chunks;
  }

  private Set<String> deadLetteredKeys() {
    return deadLetteredKeys(harper, config);
  }

  /** Keys of a sync's dead letters: Harper refused their row, so no node holds it. */
  static Set<String> deadLetteredKeys(HarperClient harper, SyncConfig config) {
    Set<String> keys = new HashSet<>();
    DeadLetter.scan(harper, 0, config.target().database(), config.syncName(), letter -> {
      if (letter.hasNonNull("sourceId")) {
        keys.add(letter.path("sourceId").asText());
      }
    });
    return keys;
  }

  private void record(NodeAudit audit) {
    Instant now = Instant.now();
    ObjectNode row = MAPPER.createObjectNode();
    row.put("id", config.syncName() + "/node" + audit.slot + "/" + now);
    row.put("timestamp", now.toString());
    row.put("syncName", config.syncName());
    row.put("node", harper.connection().node(audit.slot));
    row.put("windowFrom", audit.window.from() == null ? null : audit.window.from().toString());
    row.put("windowUntil", audit.window.until().toString());
    row.put("sourceCount", audit.sourceKeys);
    row.put("harperCount", audit.nodeKeys);
    row.put("delta", audit.nodeKeys - audit.sourceKeys);
    row.put("missing", audit.missing.count());
    row.put("stale", audit.stale.count());
    row.put("extra", audit.extra.count());
    row.put("deadLettered", audit.deadLettered);
    row.put("repaired", audit.repaired);
    row.put("status", audit.status());
    ObjectNode keys = row.putObject("keys");
    named(keys, "missing", audit.missing);
    named(keys, "stale", audit.stale);
    named(keys, "extra", audit.extra);
    retry().run(() -> harper.upsert(audit.slot, database(), AUDIT_TABLE, List.of(row.toString())),
        HarperException::isRetriable, () -> {});
  }

  /** The first keys of a kind, enough to start from; the log and the report name more. */
  private static void named(ObjectNode keys, String kind, NodeAudit.Named named) {
    List<String> first = named.keys().subList(0, Math.min(100, named.keys().size()));
    first.forEach(keys.putArray(kind)::add);
  }

  private RetryPolicy retry() {
    return config.writing().retry();
  }

  private String database() {
    return config.target().database();
  }

  private String table() {
    return config.target().table();
  }

  private String idColumn() {
    return config.source().idColumn();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
