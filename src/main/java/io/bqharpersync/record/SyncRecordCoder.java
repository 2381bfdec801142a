package io.bqharpersync.record;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.VarInt;

/** A compact, deterministic coder: var-ints for the numbers, UTF-8 for the strings. */
public final class SyncRecordCoder extends AtomicCoder<SyncRecord> {
  private static final SyncRecordCoder INSTANCE = new SyncRecordCoder();
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();

  public static SyncRecordCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(SyncRecord record, OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    // 0: no id; 1: a STRING id; 2: an INT64 id (it orders as a number).
    data.writeByte(record.id() == null ? 0 : record.numericId() ? 2 : 1);
    if (record.id() != null) {
      STRING.encode(record.id(), out);
    }
    data.writeLong(record.cursorMicros());
    VarInt.encode(record.shard(), out);
    VarInt.encode(record.pageSeq(), out);
    VarInt.encode(record.pageIndex(), out);
    VarInt.encode(record.pageSize(), out);
    STRING.encode(record.json(), out);
  }

  @Override
  public SyncRecord decode(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    byte idKind = data.readByte();
    String id = idKind == 0 ? null : STRING.decode(in);
    long cursorMicros = data.readLong();
    int shard = VarInt.decodeInt(in);
    long pageSeq = VarInt.decodeLong(in);
    int pageIndex = VarInt.decodeInt(in);
    int pageSize = VarInt.decodeInt(in);
    return new SyncRecord(id, idKind == 2, cursorMicros, shard, pageSeq, pageIndex, pageSize,
        STRING.decode(in));
  }

  @Override
  public void verifyDeterministic() {}
}
