package io.bqharpersync.checkpoint;

import io.bqharpersync.record.Cursor;
import java.io.Serializable;
import java.util.BitSet;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.SerializableCoder;

/**
 * "These records of page {@code pageSeq} of shard {@code shard} are durably handled": upserted
 * into Harper, or recorded in the dead-letter table. The indices are a set, not a count, so an ack
 * delivered twice cannot make a page look complete before it is.
 */
@DefaultCoder(SerializableCoder.class)
public final class PageAck implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int shard;
  private final long pageSeq;
  private final int pageSize;
  private final BitSet indices;
  private final Cursor maxCursor;

  public PageAck(int shard, long pageSeq, int pageSize, BitSet indices, Cursor maxCursor) {
    this.shard = shard;
    this.pageSeq = pageSeq;
    this.pageSize = pageSize;
    this.indices = (BitSet) indices.clone();
    this.maxCursor = maxCursor;
  }

  public int shard() {
    return shard;
  }

  public long pageSeq() {
    return pageSeq;
  }

  public int pageSize() {
    return pageSize;
  }

  public BitSet indices() {
    return (BitSet) indices.clone();
  }

  public Cursor maxCursor() {
    return maxCursor;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof PageAck)) {
      return false;
    }
    PageAck a = (PageAck) o;
    return shard == a.shard && pageSeq == a.pageSeq && pageSize == a.pageSize
        && indices.equals(a.indices) && maxCursor.equals(a.maxCursor);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(shard, pageSeq, indices);
  }

  @Override
  public String toString() {
    return "PageAck{shard=" + shard + ", page=" + pageSeq + ", " + indices.cardinality() + "/"
        + pageSize + ", maxCursor=" + maxCursor + "}";
  }
}
