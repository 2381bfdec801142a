package io.bqharpersync.harper;

import io.bqharpersync.record.PageAck;
import io.bqharpersync.record.Cursor;
import io.bqharpersync.record.Micros;
import io.bqharpersync.record.SyncRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Upserts one batch into the node of its slot, then acknowledges, per source page, the records
 * that are now durably handled (written or dead-lettered). Nothing is acknowledged for a batch
 * whose write throws, so its records' checkpoints cannot move.
 */
final class WriteBatchFn extends DoFn<KV<Integer, Iterable<List<SyncRecord>>>, PageAck> {
  private final HarperTarget target;
  private final WriteTuning tuning;
  private final String deadLetterName;

  private final Counter recordsWritten = Metrics.counter(HarperIO.class, "records_written");
  private final Counter deadLetters = Metrics.counter(HarperIO.class, "dead_letters");
  private final Counter retries = Metrics.counter(HarperIO.class, "retries");
  private final Counter bisections = Metrics.counter(HarperIO.class, "bisections");
  private final Counter olderSkipped = Metrics.counter(HarperIO.class, "older_rows_skipped");
  private final Counter failovers = Metrics.counter(HarperIO.class, "writes_failed_over");
  private final Distribution recordsPerBatch =
      Metrics.distribution(HarperIO.class, "records_per_batch");
  private final Distribution millisPerBatch =
      Metrics.distribution(HarperIO.class, "milliseconds_per_batch");

  private transient HarperClient client;
  private transient BatchWriter writer;

  WriteBatchFn(HarperTarget target, WriteTuning tuning, String deadLetterName) {
    this.target = target;
    this.tuning = tuning;
    this.deadLetterName = deadLetterName;
  }

  @Setup
  public void setup() {
    client = new HarperClient(target.connection());
    writer =
        new BatchWriter(
            client, target.database(), target.table(), deadLetterName, tuning.retry(),
            new BatchWriter.Listener() {
              @Override
              public void retried() {
                retries.inc();
              }

              @Override
              public void bisected() {
                bisections.inc();
              }

              @Override
              public void failedOver(int owner, int to) {
                failovers.inc();
              }
            });
  }

  @ProcessElement
  public void process(
      @Element KV<Integer, Iterable<List<SyncRecord>>> batch, OutputReceiver<PageAck> out) {
    List<SyncRecord> records = new ArrayList<>();
    batch.getValue().forEach(records::addAll);
    int size = tuning.batchSize().sizeFor(lagOf(records));
    for (int from = 0; from < records.size(); from += size) {
      List<SyncRecord> request = records.subList(from, Math.min(records.size(), from + size));
      long started = System.nanoTime();
      BatchWriter.Outcome outcome = writer.write(batch.getKey(), request);
      millisPerBatch.update((System.nanoTime() - started) / 1_000_000);
      recordsPerBatch.update(request.size());
      recordsWritten.inc(outcome.written.size());
      deadLetters.inc(outcome.deadLettered.size());
      olderSkipped.inc(outcome.skippedAsOlder);
      // Ack per request, not per batch: checkpoints then trail the writes by one request, which
      // bounds what a crash makes the next job write again.
      for (PageAck ack : acksFor(request)) {
        out.output(ack);
      }
    }
  }

  /** How far behind the oldest record of the batch is; zero when none has a timestamp. */
  static Duration lagOf(List<SyncRecord> records) {
    long oldest = Long.MAX_VALUE;
    for (SyncRecord record : records) {
      if (record.hasTimestamp()) {
        oldest = Math.min(oldest, record.cursorMicros());
      }
    }
    if (oldest == Long.MAX_VALUE) {
      return Duration.ZERO;
    }
    long nowMicros = Micros.now();
    return Duration.ofNanos(Math.max(0, nowMicros - oldest) * 1000);
  }

  /**
   * Every record of the request is handled once write() returns, so all of them are acked, except
   * those outside their shard's page sequence, which no checkpoint waits for.
   */
  static List<PageAck> acksFor(List<SyncRecord> records) {
    Map<List<Long>, BitSet> indices = new HashMap<>();
    Map<List<Long>, Cursor> maxCursor = new HashMap<>();
    Map<List<Long>, Integer> sizes = new HashMap<>();
    for (SyncRecord record : records) {
      if (record.pageSeq() == SyncRecord.UNTRACKED_PAGE) {
        continue; // read behind the cursor (a re-scan, a row without timestamp): moves no checkpoint
      }
      List<Long> page = List.of((long) record.shard(), record.pageSeq());
      indices.computeIfAbsent(page, p -> new BitSet()).set(record.pageIndex());
      maxCursor.merge(page, record.cursor(), Cursor::max);
      sizes.put(page, record.pageSize());
    }
    List<PageAck> acks = new ArrayList<>(indices.size());
    for (Map.Entry<List<Long>, BitSet> page : indices.entrySet()) {
      List<Long> key = page.getKey();
      acks.add(
          new PageAck(
              key.get(0).intValue(), key.get(1), sizes.get(key), page.getValue(),
              maxCursor.get(key)));
    }
    return acks;
  }

  @Teardown
  public void teardown() {
    if (client != null) {
      client.close();
    }
  }
}
