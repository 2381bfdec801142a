package io.bqharpersync.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The names of the job's steps, which a running streaming job's state is kept under: Dataflow's
 * {@code --update} and Flink's savepoints map the old job's state to the new job's steps by them.
 * Renaming one of these is a breaking change for running jobs; this list says which.
 */
class TransformNamesTest {
  @TempDir Path dir;

  @Test
  void theStepsOfAContinuousSyncKeepTheirNames() throws Exception {
    Path password = dir.resolve("password");
    Files.writeString(password, "pw");
    SyncOptions options = PipelineOptionsFactory.fromArgs("--sourceTable=my-project.telemetry.readings",
        "--harperNodes=http://127.0.0.1:9925", "--harperPasswordFile=" + password,
        "--mode=continuous", "--auditInterval=15m").as(SyncOptions.class);
    Pipeline pipeline = Pipeline.create(options);
    SyncPipeline.build(pipeline, SyncConfig.from(options), Instant.now());

    List<String> names = new ArrayList<>();
    pipeline.traverseTopologically(new Pipeline.PipelineVisitor.Defaults() {
      @Override
      public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
        if (!node.isRootNode()) {
          names.add(node.getFullName());
        }
        return CompositeBehavior.ENTER_TRANSFORM;
      }

      @Override
      public void visitPrimitiveTransform(TransformHierarchy.Node node) {
        names.add(node.getFullName());
      }
    });
    assertEquals(List.of("""
        AuditNodes
        AuditNodes/EveryAuditInterval
        AuditNodes/EveryAuditInterval/Create.Values
        AuditNodes/EveryAuditInterval/Create.Values/Impulse
        AuditNodes/EveryAuditInterval/Create.Values/MapElements
        AuditNodes/EveryAuditInterval/Create.Values/MapElements/Map
        AuditNodes/EveryAuditInterval/Create.Values/MapElements/Map/ParMultiDo(Anonymous)
        AuditNodes/EveryAuditInterval/PeriodicSequence
        AuditNodes/EveryAuditInterval/PeriodicSequence/ParDo(PeriodicSequence)
        AuditNodes/EveryAuditInterval/PeriodicSequence/ParDo(PeriodicSequence)/ParMultiDo(PeriodicSequence)
        AuditNodes/OneAuditAtATime
        AuditNodes/OneAuditAtATime/AddKeys
        AuditNodes/OneAuditAtATime/AddKeys/Map
        AuditNodes/OneAuditAtATime/AddKeys/Map/ParMultiDo(Anonymous)
        AuditNodes/AuditAndRepairNodes
        AuditNodes/AuditAndRepairNodes/ParMultiDo(Audit)
        SeedShards
        SeedShards/Read(CreateSource)
        SeedShards/Read(CreateSource)/Impulse
        SeedShards/Read(CreateSource)/ParDo(OutputSingleSource)
        SeedShards/Read(CreateSource)/ParDo(OutputSingleSource)/ParMultiDo(OutputSingleSource)
        SeedShards/Read(CreateSource)/ParDo(BoundedSourceAsSDFWrapper)
        SeedShards/Read(CreateSource)/ParDo(BoundedSourceAsSDFWrapper)/ParMultiDo(BoundedSourceAsSDFWrapper)
        ReadShardPages
        ReadShardPages/ParMultiDo(Continuous)
        UpsertIntoHarper
        UpsertIntoHarper/GroupByOwningNode
        UpsertIntoHarper/GroupByOwningNode/GroupPerBundle
        UpsertIntoHarper/GroupByOwningNode/GroupPerBundle/ParMultiDo(Group)
        UpsertIntoHarper/BatchPerNode
        UpsertIntoHarper/BatchPerNode/ParDo(GroupIntoBatches)
        UpsertIntoHarper/BatchPerNode/ParDo(GroupIntoBatches)/ParMultiDo(GroupIntoBatches)
        UpsertIntoHarper/UpsertIntoOwningNode
        UpsertIntoHarper/UpsertIntoOwningNode/ParMultiDo(WriteBatch)
        CommitCheckpoints
        CommitCheckpoints/KeyByShard
        CommitCheckpoints/KeyByShard/AddKeys
        CommitCheckpoints/KeyByShard/AddKeys/Map
        CommitCheckpoints/KeyByShard/AddKeys/Map/ParMultiDo(Anonymous)
        CommitCheckpoints/AdvanceAndStore
        CommitCheckpoints/AdvanceAndStore/ParMultiDo(CommitCheckpoints)
        """.strip().split("\n")), names);
  }
}
