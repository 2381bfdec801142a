package io.bqharpersync.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bqharpersync.record.SyncRecord;
import io.bqharpersync.record.SyncRecordCoder;
import java.io.Serializable;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * {@link TelemetryGenerator}'s rows as a shard reader would emit them, for the writer's tests and
 * benchmarks that need no BigQuery: record i belongs to shard {@code i mod shards}, and each
 * shard's records are cut into pages of {@code pageSize} in cursor order. Any record can be
 * rebuilt from its index alone, so a verifier needs no copy of the data.
 */
public final class TelemetryPages implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** 2024-01-01T00:00:00Z; records are one millisecond apart from there. */
  public static final long BASE_MICROS = 1_704_067_200_000_000L;

  private final TelemetryGenerator generator;
  private final long count;
  private final int shards;
  private final int pageSize;

  public TelemetryPages(String idPrefix, long count, int shards, int pageSize) {
    if (count < 0 || shards < 1 || pageSize < 1) {
      throw new IllegalArgumentException(
          "count >= 0, shards >= 1, pageSize >= 1 required: " + count + ", " + shards + ", " + pageSize);
    }
    this.generator = new TelemetryGenerator(idPrefix);
    this.count = count;
    this.shards = shards;
    this.pageSize = pageSize;
  }

  public long count() {
    return count;
  }

  public String idPrefix() {
    return generator.idPrefix();
  }

  public String id(long i) {
    return generator.id(i);
  }

  public long cursorMicros(long i) {
    return BASE_MICROS + i * 1000L;
  }

  /** The row as Harper should hold it: the BigQuery row with its JSON column parsed. */
  public ObjectNode row(long i) {
    ObjectNode row = MAPPER.valueToTree(generator.row(i, cursorMicros(i)));
    try {
      row.set("data", MAPPER.readTree(row.path("data").asText()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return row;
  }

  /** The expected row for an id, or null when the id is not one of these records. */
  public ObjectNode rowForId(String id) {
    String prefix = generator.idPrefix() + "-";
    if (!id.startsWith(prefix)) {
      return null;
    }
    try {
      long i = Long.parseLong(id.substring(prefix.length()));
      return i >= 0 && i < count && id.equals(id(i)) ? row(i) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  public SyncRecord record(long i) {
    int shard = (int) (i % shards);
    long local = i / shards;
    long shardCount = (count - shard + shards - 1) / shards;
    long page = local / pageSize;
    int size = (int) Math.min(pageSize, shardCount - page * pageSize);
    return new SyncRecord(
        id(i), cursorMicros(i), shard, page, (int) (local % pageSize), size, row(i).toString());
  }

  /** A bounded source of these records, generated on the workers. */
  public PTransform<PBegin, PCollection<SyncRecord>> generate() {
    TelemetryPages source = this;
    return new PTransform<>() {
      @Override
      public PCollection<SyncRecord> expand(PBegin begin) {
        return begin
            .apply("Indices", GenerateSequence.from(0).to(source.count()))
            .apply("ToRecords",
                MapElements.into(TypeDescriptor.of(SyncRecord.class)).via(source::record))
            .setCoder(SyncRecordCoder.of());
      }
    };
  }
}
