package io.bqharpersync.pipeline;

import io.bqharpersync.checkpoint.CheckpointStore;
import io.bqharpersync.checkpoint.ShardCheckpoint;
import io.bqharpersync.checkpoint.ShardLayout;
import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.options.DurationText;
import io.bqharpersync.retry.RetryPolicy;
import io.bqharpersync.source.BigQueryShardReader;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Progress of a sync, read from its shards' committed checkpoints in Harper: rows synced, rows/s
 * since the previous line, each shard's lag and phase, and, when the rows to sync are known (a
 * backfill), the share done and an estimate of the time left. {@link #start} prints a line every
 * interval while the job runs in this JVM; a Harper node that does not answer costs a line, never
 * the job.
 */
public final class LiveProgress implements AutoCloseable {
  private final CheckpointStore store;
  private final ShardLayout layout;
  private final LongSupplier total;
  private final PrintStream out;
  /** "progress", or "progress <sync name>" in a job of several tables. */
  private String label = "progress";
  private HarperClient ownClient;
  private ScheduledExecutorService timer;
  private long lastSynced = -1;
  private long lastNanos;
  private long knownTotal = -1;

  /**
   * @param total how many rows the sync has to write, asked once on the first line; negative
   *     when unknown (a continuous sync)
   */
  public LiveProgress(HarperClient harper, String database, ShardLayout layout, LongSupplier total,
      PrintStream out) {
    this.store = new CheckpointStore(harper, database, RetryPolicy.defaults());
    this.layout = layout;
    this.total = total;
    this.out = out;
  }

  /**
   * The progress of the sync {@code config} describes, on its own Harper client. In a backfill the
   * rows to sync are its source's rows with an id and a timestamp before the backfill's end, counted
   * once by BigQuery (the id and cursor columns are read); that end is taken now, a moment after
   * the job took its own, so the share done may end a little under 100%.
   */
  public static LiveProgress of(SyncConfig config, PrintStream out) {
    return of(config, false, out);
  }

  /** As {@link #of(SyncConfig, PrintStream)}; {@code named}: each line names the table's sync. */
  public static LiveProgress of(SyncConfig config, boolean named, PrintStream out) {
    LongSupplier total = () -> -1;
    if (config.mode() == SyncMode.BACKFILL) {
      Instant end = config.reading().backfillEnd(Instant.now());
      total = () -> new BigQueryShardReader(config.source().client(), RetryPolicy.defaults(),
          () -> {}).digestBefore(config.source().queries(), end).count();
    }
    HarperClient harper = new HarperClient(config.target().connection());
    LiveProgress progress =
        new LiveProgress(harper, config.target().database(), config.layout(), total, out);
    progress.ownClient = harper;
    if (named) {
      progress.label = "progress " + config.syncName();
    }
    return progress;
  }

  /** Prints a line every {@code interval} until {@link #close}, which prints the last one. */
  public LiveProgress start(Duration interval) {
    try {
      // So the first line's rows/s counts from here, not from before any earlier run.
      lastSynced = synced();
      lastNanos = System.nanoTime();
    } catch (RuntimeException e) {
      // The first line will say no rate; the job goes on.
    }
    timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "live-progress");
      thread.setDaemon(true);
      return thread;
    });
    timer.scheduleWithFixedDelay(this::print, interval.toMillis(), interval.toMillis(),
        TimeUnit.MILLISECONDS);
    return this;
  }

  /** Rows the shards have committed. */
  public long synced() {
    return synced(checkpoints());
  }

  /** Each shard's committed checkpoint, in shard order. */
  private List<Optional<ShardCheckpoint>> checkpoints() {
    List<Optional<ShardCheckpoint>> checkpoints = new ArrayList<>(layout.shards());
    for (int shard = 0; shard < layout.shards(); shard++) {
      checkpoints.add(store.read(layout, shard));
    }
    return checkpoints;
  }

  private static long synced(List<Optional<ShardCheckpoint>> checkpoints) {
    return checkpoints.stream()
        .mapToLong(checkpoint -> checkpoint.map(ShardCheckpoint::recordsSynced).orElse(0L)).sum();
  }

  /** One line of progress, as of now. */
  public synchronized String line() {
    if (knownTotal == -1) {
      try {
        knownTotal = Math.max(-2, total.getAsLong());
      } catch (RuntimeException e) {
        knownTotal = -2; // unknown: the lines go on without a share done
        out.println(label + ": the rows to sync could not be counted (" + e.getMessage() + ")");
      }
    }
    Instant now = Instant.now();
    List<Optional<ShardCheckpoint>> checkpoints = checkpoints();
    long synced = synced(checkpoints);
    StringBuilder shards = new StringBuilder();
    for (int shard = 0; shard < checkpoints.size(); shard++) {
      Optional<ShardCheckpoint> checkpoint = checkpoints.get(shard);
      shards.append(" s").append(shard).append('=');
      if (checkpoint.isEmpty() || checkpoint.get().cursor().isStart()) {
        shards.append('-');
        continue;
      }
      Duration lag = Duration.between(checkpoint.get().cursor().timestamp(), now);
      shards.append(DurationText.format(lag))
          .append('(').append(checkpoint.get().phase().label()).append(')');
    }
    long nanos = System.nanoTime();
    double rate = lastSynced < 0 ? 0 : (synced - lastSynced) / ((nanos - lastNanos) / 1e9);
    lastSynced = synced;
    lastNanos = nanos;
    StringBuilder line = new StringBuilder(String.format("%s: %,d rows synced | %,.0f rows/s",
        label, synced, rate));
    if (knownTotal > 0) {
      line.append(String.format(" | %.0f%% of %,d", Math.min(100.0, 100.0 * synced / knownTotal),
          knownTotal));
      if (rate > 0 && synced < knownTotal) {
        Duration left = Duration.ofSeconds((long) ((knownTotal - synced) / rate));
        line.append(", ETA ").append(DurationText.format(left));
      }
    }
    return line.append(" | lag").append(shards).toString();
  }

  private void print() {
    try {
      out.println(line());
    } catch (RuntimeException e) {
      out.println(label + ": not read (" + e.getMessage() + ")");
    }
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
      print();
    }
    if (ownClient != null) {
      ownClient.close();
    }
  }
}
