package io.bqharpersync.record;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.BitSet;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * "These records of page {@code pageSeq} of shard {@code shard} are durably handled": upserted
 * into Harper, or recorded in the dead-letter table. The indices are a set, not a count, so an ack
 * delivered twice cannot make a page look complete before it is.
 */
public record PageAck(int shard, long pageSeq, int pageSize, BitSet indices, Cursor maxCursor) {
  public static final PageAckCoder CODER = new PageAckCoder();

  public PageAck {
    indices = (BitSet) indices.clone();
  }

  /** A copy: the set inside stays as it was made. */
  @Override
  public BitSet indices() {
    return (BitSet) indices.clone();
  }

  @Override
  public String toString() {
    return "PageAck{shard=" + shard + ", page=" + pageSeq + ", " + indices.cardinality() + "/"
        + pageSize + ", maxCursor=" + maxCursor + "}";
  }

  /** Field by field, the indices as BitSet's own bytes. */
  public static final class PageAckCoder extends AtomicCoder<PageAck> {
    @Override
    public void encode(PageAck ack, OutputStream out) throws IOException {
      VarIntCoder.of().encode(ack.shard, out);
      VarLongCoder.of().encode(ack.pageSeq, out);
      VarIntCoder.of().encode(ack.pageSize, out);
      ByteArrayCoder.of().encode(ack.indices.toByteArray(), out);
      Cursor.CODER.encode(ack.maxCursor, out);
    }

    @Override
    public PageAck decode(InputStream in) throws IOException {
      return new PageAck(VarIntCoder.of().decode(in), VarLongCoder.of().decode(in),
          VarIntCoder.of().decode(in), BitSet.valueOf(ByteArrayCoder.of().decode(in)),
          Cursor.CODER.decode(in));
    }
  }
}
