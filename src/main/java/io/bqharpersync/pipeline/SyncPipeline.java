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
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * The sync job: BigQuery shards, read in parallel, upserted into the Harper node that owns each
 * row, with per-shard checkpoints in Harper behind the writes.
 */
public final class SyncPipeline {
  private SyncPipeline() {}

  /** Checks the configuration against BigQuery and Harper, then starts the job. */
  public static PipelineResult run(SyncOptions options) {
    RunnerChecks.check(options);
    SyncConfig config = Preflight.check(SyncConfig.from(options));
    Pipeline pipeline = Pipeline.create(options);
    build(pipeline, config, Instant.now());
    return pipeline.run();
  }

  /** The pipeline for an already checked configuration; {@code now} fixes a backfill's end. */
  public static PCollection<ShardCheckpoint> build(Pipeline pipeline, SyncConfig config,
      Instant now) {
    if (config.mode() == SyncMode.CONTINUOUS && config.audit().periodic()) {
      // Beside the sync: each node compared with the source, what it lacks rewritten.
      pipeline.apply("AuditNodes", AuditPeriodically.of(config));
    }
    return pipeline
        // 1. One element per shard; nothing else is shared between them.
        .apply("SeedShards", Create.of(shardNumbers(config.reading().shards())))
        // 2. Each shard reads its rows page by page from its committed checkpoint on.
        .apply("ReadShardPages", ParDo.of(reader(config, now, pipeline.getOptions())))
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
            CommitCheckpoints.to(config.target(), config.layout(), config.writing().retry()));
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
