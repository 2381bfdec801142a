package io.bqharpersync.pipeline;

import io.bqharpersync.audit.AuditPeriodically;
import io.bqharpersync.checkpoint.CommitCheckpoints;
import io.bqharpersync.checkpoint.ShardCheckpoint;
import io.bqharpersync.harper.HarperIO;
import io.bqharpersync.record.SyncRecordCoder;
import io.bqharpersync.retry.RetryPolicy;
import io.bqharpersync.source.ReadPacing;
import io.bqharpersync.source.ReadShardFn;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * The sync job: BigQuery shards, read in parallel, upserted into the Harper node that owns each
 * row, with per-shard checkpoints in Harper behind the writes; for each of its tables.
 */
public final class SyncPipeline {
  private SyncPipeline() {}

  /** Checks every table's configuration against BigQuery and Harper, then starts the job. */
  public static PipelineResult run(SyncOptions options) {
    RunnerChecks.check(options);
    List<SyncConfig> tables = Preflight.checkAll(SyncTables.configs(options));
    Pipeline pipeline = Pipeline.create(options);
    build(pipeline, tables, Instant.now());
    return pipeline.run();
  }

  /**
   * The steps of every table: one table's at the top level; of several, each table's under its
   * sync name, so their steps, metrics and failures are told apart. Tables share nothing.
   */
  public static void build(Pipeline pipeline, List<SyncConfig> tables, Instant now) {
    if (tables.size() == 1) {
      build(pipeline, tables.get(0), now);
      return;
    }
    for (SyncConfig table : tables) {
      pipeline.apply(table.syncName(), new OneTable(table, now));
    }
  }

  /** The pipeline for an already checked configuration; {@code now} fixes a backfill's end. */
  public static PCollection<ShardCheckpoint> build(Pipeline pipeline, SyncConfig config,
      Instant now) {
    return sync(pipeline.begin(), config, now);
  }

  private static PCollection<ShardCheckpoint> sync(PBegin begin, SyncConfig config, Instant now) {
    if (config.mode() == SyncMode.CONTINUOUS && config.audit().periodic()) {
      // Beside the sync: each node compared with the source, what it lacks rewritten.
      begin.apply("AuditNodes", AuditPeriodically.of(config));
    }
    return begin
        // 1. One element per shard; nothing else is shared between them.
        .apply("SeedShards", Create.of(shardNumbers(config.reading().shards())))
        // 2. Each shard reads its rows page by page from its committed checkpoint on.
        .apply("ReadShardPages", ParDo.of(reader(config, now, begin.getPipeline().getOptions())))
        .setCoder(SyncRecordCoder.of())
        // 3. Each row is upserted into the node that owns its primary key.
        .apply("UpsertIntoHarper",
            HarperIO.write()
                .withTarget(config.target())
                .withTuning(config.writing())
                .withDeadLetterName(config.syncName()))
        .acknowledged()
        // 4. Each shard's checkpoint advances over the rows now in Harper.
        .apply("CommitCheckpoints",
            CommitCheckpoints.to(config.target(), config.layout(), config.writing().retry())
                .withHistoryEvery(config.historyInterval()));
  }

  /** One table's sync, as a step of a job of several. */
  private static final class OneTable extends PTransform<PBegin, PCollection<ShardCheckpoint>> {
    private final SyncConfig config;
    private final Instant now;

    OneTable(SyncConfig config, Instant now) {
      this.config = config;
      this.now = now;
    }

    @Override
    public PCollection<ShardCheckpoint> expand(PBegin begin) {
      return sync(begin, config, now);
    }
  }

  private static ReadShardFn reader(SyncConfig config, Instant now, PipelineOptions options) {
    ReadPacing pacing = pipelined(options, config) ? config.reading()
        : config.reading().withoutHoldBack();
    return config.mode() == SyncMode.BACKFILL
        ? ReadShardFn.backfill(config.layout(), config.source(), pacing, config.target(),
            pacing.backfillEnd(now), RetryPolicy.defaults())
        : ReadShardFn.continuous(config.layout(), config.source(), pacing, config.target(),
            RetryPolicy.defaults());
  }

  /**
   * Whether every step runs at once, so a shard's commits can catch up with its reads. A runner
   * that executes a bounded pipeline in batch (Flink, Dataflow) runs the read to its end before the
   * writes start; holding the read back there would wait for commits that cannot come.
   */
  static boolean pipelined(PipelineOptions options, SyncConfig config) {
    return config.mode() == SyncMode.CONTINUOUS
        || options.getRunner().getSimpleName().equals("DirectRunner")
        || options.as(StreamingOptions.class).isStreaming();
  }

  private static List<Integer> shardNumbers(int shards) {
    List<Integer> numbers = new ArrayList<>(shards);
    for (int shard = 0; shard < shards; shard++) {
      numbers.add(shard);
    }
    return numbers;
  }
}
