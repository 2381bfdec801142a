package io.bqharpersync.harper;

import static java.util.Objects.requireNonNull;

import io.bqharpersync.record.PageAck;
import io.bqharpersync.record.SyncName;
import io.bqharpersync.record.SyncRecord;
import java.util.List;
import org.apache.beam.sdk.transforms.GroupIntoBatches;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;

/**
 * Writes records into a Harper cluster, each into the node that owns its primary key.
 *
 * <pre>{@code
 * HarperIO.WriteResult result = records.apply(
 *     HarperIO.write()
 *         .withTarget(HarperTarget.from(options, requestTimeout))
 *         .withDeadLetterName("orders-sync"));
 * result.acknowledged();   // PageAcks: what is durably handled, for a checkpoint step
 * }</pre>
 *
 * <p><b>Guarantees.</b> Delivery is at least once and upserts are idempotent by primary key, so
 * the final content is exact. Every record is either upserted or written to {@code
 * SyncDeadLetter} with Harper's reason; none is dropped. A record is acknowledged only once it is
 * one or the other, so a checkpoint built on the acknowledgements never passes a record that is
 * not yet handled.
 *
 * <p><b>Routing and batching.</b> Each bundle's records are grouped by the node slot that owns
 * their key ({@link GroupByNodeSlot}), those groups batched per slot ({@link GroupIntoBatches},
 * weighed by their records) up to the batch policy's largest size or the buffering duration,
 * whichever comes first; each batch is then upserted in requests of the size {@link
 * BatchSizePolicy} gives for its lag.
 */
public final class HarperIO {
  private HarperIO() {}

  /** A write with the defaults of {@code HarperWriteOptions}; a target and a name are required. */
  public static Write write() {
    return new Write(null, WriteTuning.defaults(), null);
  }

  /** See {@link HarperIO}. Immutable: each {@code withX} returns a new transform. */
  public static final class Write extends PTransform<PCollection<SyncRecord>, WriteResult> {
    private final HarperTarget target;
    private final WriteTuning tuning;
    private final String deadLetterName;

    private Write(HarperTarget target, WriteTuning tuning, String deadLetterName) {
      this.target = target;
      this.tuning = tuning;
      this.deadLetterName = deadLetterName;
    }

    /** The nodes, login, database and table to write to. */
    public Write withTarget(HarperTarget target) {
      return new Write(requireNonNull(target, "target"), tuning, deadLetterName);
    }

    /** Batch sizes, buffering and retries. */
    public Write withTuning(WriteTuning tuning) {
      return new Write(target, requireNonNull(tuning, "tuning"), deadLetterName);
    }

    /** The name refused records are filed under in {@code SyncDeadLetter}. */
    public Write withDeadLetterName(String name) {
      if (!SyncName.isValid(name)) {
        throw new IllegalArgumentException(
            "deadLetterName: " + SyncName.EXPECTED + ", got '" + name + "'");
      }
      return new Write(target, tuning, name);
    }

    @Override
    public WriteResult expand(PCollection<SyncRecord> records) {
      if (target == null) {
        throw new IllegalArgumentException("target: HarperIO.write() needs withTarget(..)");
      }
      if (deadLetterName == null) {
        throw new IllegalArgumentException(
            "deadLetterName: HarperIO.write() needs withDeadLetterName(..)");
      }
      int maxBatch = tuning.batchSize().max();
      PCollection<PageAck> acks = records
          .apply("GroupByOwningNode",
              GroupByNodeSlot.of(target.connection().nodeCount(), maxBatch))
          .apply("BatchPerNode",
              // Weighed by records, so a batch holds about as many records as a request may.
              GroupIntoBatches.<Integer, List<SyncRecord>>ofByteSize(maxBatch,
                      group -> (long) group.size())
                  .withMaxBufferingDuration(
                      Duration.millis(tuning.maxBufferingDuration().toMillis())))
          .apply("UpsertIntoOwningNode", ParDo.of(new WriteBatchFn(target, tuning, deadLetterName)))
          .setCoder(PageAck.CODER);
      return new WriteResult(records.getPipeline(), acks);
    }

    @Override
    public String toString() {
      return "HarperIO.Write{" + target + ", " + tuning + ", deadLetters=" + deadLetterName + "}";
    }
  }
}
