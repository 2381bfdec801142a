package io.bqharpersync.pipeline;

import io.bqharpersync.harper.HarperIO;
import io.bqharpersync.record.SyncRecordCoder;
import io.bqharpersync.retry.RetryPolicy;
import io.bqharpersync.routing.KeyByNodeSlot;
import io.bqharpersync.source.ReadShardFn;
import io.bqharpersync.source.ShardQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.ParDo;

/**
 * The sync job: BigQuery shards, read in parallel, upserted into the Harper node that owns each
 * row, with per-shard checkpoints in Harper behind the writes.
 */
public final class SyncPipeline {
  private SyncPipeline() {}

  /** Checks the configuration against BigQuery and Harper, then starts the job. */
  public static PipelineResult run(SyncOptions options) {
    SyncConfig config = Preflight.check(SyncConfig.from(options));
    Pipeline pipeline = Pipeline.create(options);
    build(pipeline, config, Instant.now());
    return pipeline.run();
  }

  /** The pipeline for an already checked configuration; {@code now} fixes a backfill's end. */
  public static void build(Pipeline pipeline, SyncConfig config, Instant now) {
    pipeline
        // 1. One element per shard; nothing else is shared between them.
        .apply("SeedShards", Create.of(shardNumbers(config.shards)))
        // 2. Each shard reads its rows page by page from its committed checkpoint on.
        .apply("ReadShardPages",
            ParDo.of(ReadShardFn.of(readSpec(config, now, pipelined(pipeline.getOptions(), config)))))
        .setCoder(SyncRecordCoder.of())
        // 3. Each row goes to the node that owns its primary key.
        .apply("KeyByOwningNode", KeyByNodeSlot.of(config.harper.nodeCount()))
        // 4. Batches are upserted into their node, then each shard's checkpoint advances.
        .apply("UpsertIntoHarper",
            HarperIO.write()
                .withConnection(config.harper)
                .withTable(config.harperDatabase, config.harperTable)
                .withCheckpoints(config.syncName, config.shards)
                .withBatchSizePolicy(config.batchSize)
                .withMaxBufferingDuration(config.maxBufferingDuration)
                .withRetryPolicy(RetryPolicy.defaults()));
  }

  /**
   * Whether every step runs at once, so a shard's commits can catch up with its reads. A runner
   * that executes a bounded pipeline in batch (Flink, Dataflow) runs the read to its end before the
   * writes start; holding the read back there would wait for commits that cannot come.
   */
  static boolean pipelined(PipelineOptions options, SyncConfig config) {
    return config.mode == SyncMode.CONTINUOUS
        || options.getRunner().getSimpleName().equals("DirectRunner")
        || options.as(StreamingOptions.class).isStreaming();
  }

  static ReadShardFn.Spec readSpec(SyncConfig config, Instant now, boolean pipelined) {
    List<ShardQuery> queries = new ArrayList<>();
    for (int shard = 0; shard < config.shards; shard++) {
      queries.add(config.shardQuery(shard));
    }
    return new ReadShardFn.Spec(config.syncName, config.bigQueryProject, config.bigQueryEndpoint,
        config.requestTimeout, queries, config.pageRows,
        config.mode == SyncMode.BACKFILL ? config.backfillEnd(now) : null,
        config.safetyLag, config.pollInterval, config.lookback, config.rescanInterval,
        config.nullScanInterval, config.bucketMicros(), config.readWindow, config.maxReadWindow,
        pipelined ? config.maxPagesInFlight : Integer.MAX_VALUE,
        config.harper, config.harperDatabase, RetryPolicy.defaults());
  }

  private static List<Integer> shardNumbers(int shards) {
    List<Integer> numbers = new ArrayList<>(shards);
    for (int shard = 0; shard < shards; shard++) {
      numbers.add(shard);
    }
    return numbers;
  }
}
