package io.bqharpersync.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.pipeline.PipelineFile;
import io.bqharpersync.pipeline.Preflight;
import io.bqharpersync.pipeline.SyncConfig;
import io.bqharpersync.pipeline.SyncTables;
import io.bqharpersync.pipeline.SyncOptions;
import io.bqharpersync.record.JsonComparison;
import io.bqharpersync.retry.RetryPolicy;
import io.bqharpersync.source.BigQueryShardReader;
import io.bqharpersync.source.TableQueries;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/**
 * {@code scripts/validate --sample N}: N keys chosen at random among those the sync has committed,
 * each key's newest source row compared with what every node holds, field for field (not by
 * version, as the audit does: this also checks the conversion of each value). Keys are drawn from
 * random key buckets ({@link TableQueries#newestRows}), so only those buckets' rows are sent back;
 * BigQuery still scans the selected columns of the table to find each key's newest row.
 * Exit 0 when every node matches, 1 on a mismatch, 2 on a configuration error.
 */
public final class SpotCheck {
  /** Options of the command-line tool: the sync's own, plus these. */
  public interface Options extends SyncOptions {
    @Description("How many keys to compare.")
    @Default.Integer(100)
    int getSample();

    void setSample(int value);

    @Description("Seed of the random choice of keys; 0 for a different choice every run.")
    @Default.Long(0)
    long getSeed();

    void setSeed(long value);
  }

  /** A key that a node lacks, or holds with other values: the fields that differ. */
  public record Mismatch(int slot, String key, List<String> fields) {
    @Override
    public String toString() {
      return "key " + key + ": " + (fields.isEmpty() ? "missing" : "differs in " + fields);
    }
  }

  private static final int MAX_BUCKETS_PER_QUERY = 1000;

  private final SyncConfig config;
  private final BigQueryShardReader reader;
  private final HarperClient harper;

  SpotCheck(SyncConfig config, BigQueryShardReader reader, HarperClient harper) {
    this.config = config;
    this.reader = reader;
    this.harper = harper;
  }

  /**
   * Up to {@code sample} keys whose newest row is before {@code until}, drawn from key buckets in
   * random order, with that row as the sync writes it. Dead-lettered keys are left out.
   */
  List<SourceVersions.Newest> sample(int sample, Instant until, Random random) {
    TableQueries queries = config.source().queries();
    List<Integer> buckets = new ArrayList<>();
    for (int bucket = -(ContentAudit.BUCKETS - 1); bucket < ContentAudit.BUCKETS; bucket++) {
      buckets.add(bucket);
    }
    Collections.shuffle(buckets, random);
    Set<String> deadLettered = ContentAudit.deadLetteredKeys(harper, config);
    List<SourceVersions.Newest> found = new ArrayList<>();
    Iterator<Integer> next = buckets.iterator();
    int asked = 0;
    int chunk = 8;
    while (found.size() < sample && next.hasNext()) {
      List<Integer> these = new ArrayList<>();
      while (these.size() < chunk && next.hasNext()) {
        these.add(next.next());
      }
      asked += these.size();
      SourceVersions.fold(reader, queries, queries.newestRows(null, until, ContentAudit.BUCKETS,
          these), () -> found, (rows, row) -> {
            if (!deadLettered.contains(row.key())) {
              rows.add(row);
            }
          });
      // Enough buckets for the keys still wanted, at the keys per bucket seen so far.
      double perBucket = Math.max(0.1, (double) found.size() / asked);
      chunk = (int) Math.min(MAX_BUCKETS_PER_QUERY,
          Math.max(8, Math.ceil((sample - found.size()) / perBucket * 1.2)));
    }
    Collections.shuffle(found, random);
    return found.subList(0, Math.min(sample, found.size()));
  }

  /** Each sampled key compared with node {@code slot}: what it lacks or holds otherwise. */
  List<Mismatch> compare(int slot, List<SourceVersions.Newest> sample) {
    Map<String, SourceVersions.Newest> byKey = new HashMap<>();
    sample.forEach(row -> byKey.put(row.key(), row));
    List<String> keys = new ArrayList<>(byKey.keySet());
    Map<String, JsonNode> held = ContentAudit.rowsOn(harper, config, slot, keys);
    List<Mismatch> mismatches = new ArrayList<>();
    for (String key : keys) {
      JsonNode row = held.get(key);
      if (row == null) {
        mismatches.add(new Mismatch(slot, key, List.of()));
        continue;
      }
      List<String> fields = new ArrayList<>();
      byKey.get(key).json().fields().forEachRemaining(field -> {
        if (!JsonComparison.same(field.getValue(), row.get(field.getKey()))) {
          fields.add(field.getKey());
        }
      });
      if (!fields.isEmpty()) {
        mismatches.add(new Mismatch(slot, key, fields));
      }
    }
    return mismatches;
  }

  public static void main(String[] args) {
    Options options;
    List<SyncConfig> tables;
    try {
      options = PipelineFile.options(args, Options.class);
      if (options.getSample() <= 0) {
        throw new IllegalArgumentException("--sample: must be positive, got " + options.getSample());
      }
      tables = Preflight.checkAll(SyncTables.configs(options));
    } catch (IllegalArgumentException e) {
      System.err.println("configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    Random random = new Random(options.getSeed() == 0 ? System.nanoTime() : options.getSeed());
    boolean ok = true;
    for (SyncConfig table : tables) {
      ok &= check(table, options.getSample(), random);
    }
    System.out.println(ok ? "RESULT: every sampled key matches on every node"
        : "RESULT: mismatches");
    System.exit(ok ? 0 : 1);
  }

  /** Spot-checks one table's sync, printing each node's result; whether all matched. */
  private static boolean check(SyncConfig config, int sampleSize, Random random) {
    BigQueryShardReader reader =
        new BigQueryShardReader(config.source().client(), RetryPolicy.defaults(), () -> {});
    boolean ok = true;
    try (HarperClient harper = new HarperClient(config.target().connection())) {
      Optional<Instant> until = DriftCheck.committedUntil(config, harper);
      if (until.isEmpty()) {
        System.out.println("spot check: some shard of " + config.syncName()
            + " has committed nothing yet; nothing to compare");
        return true;
      }
      SpotCheck check = new SpotCheck(config, reader, harper);
      List<SourceVersions.Newest> sample = check.sample(sampleSize, until.get(), random);
      System.out.println("spot check of " + config.syncName() + ": " + sample.size()
          + " keys drawn at random from those whose newest row is before " + until.get());
      for (int slot = 0; slot < harper.connection().nodeCount(); slot++) {
        List<Mismatch> mismatches = check.compare(slot, sample);
        System.out.println("node " + harper.connection().node(slot) + ": " + sample.size()
            + " keys compared, " + mismatches.size() + " mismatched");
        mismatches.stream().limit(20).forEach(m -> System.out.println("  " + m));
        ok &= mismatches.isEmpty();
      }
    }
    return ok;
  }
}
