package io.bqharpersync.harper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bqharpersync.record.SyncRecord;
import io.bqharpersync.retry.RetryPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes one batch of records to one node, and accounts for every record: each ends up either
 * upserted or in the dead-letter table, or the call throws and nothing is acknowledged.
 *
 * <ul>
 *   <li>A record without a primary key is dead-lettered before it is sent: Harper would silently
 *       give it a generated key. So is a record without a cursor timestamp, which no later read
 *       could find again.
 *   <li>Retriable failures are retried under the {@link RetryPolicy}; when it gives up, {@code
 *       RetriesExhaustedException} propagates (the runner retries the bundle).
 *   <li>A 400 for bad input rejects the whole request, so the batch is bisected until the
 *       offending records stand alone; the others are written, the offenders dead-lettered with
 *       Harper's message. Cost: about 2·log2(n) extra requests per bad record.
 *   <li>Any other refusal (login, missing table) is a configuration error and propagates.
 * </ul>
 */
public final class BatchWriter {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** What became of a batch. Both lists hold records of the input, in no particular order. */
  public static final class Outcome {
    public final List<SyncRecord> written = new ArrayList<>();
    public final List<SyncRecord> deadLettered = new ArrayList<>();
    /** Written records that the node did not apply: it already held a newer row of the key. */
    public int skippedAsOlder;
    public int requests;
  }

  /** Hooks for metrics; all optional. */
  public interface Listener {
    default void retried() {}

    default void bisected() {}

    /** A write for node {@code owner}, which did not answer, went to node {@code to}. */
    default void failedOver(int owner, int to) {}
  }

  private final HarperClient client;
  private final String database;
  private final String table;
  private final String syncName;
  private final RetryPolicy retry;
  private final Listener listener;
  private final LiveNodes live;

  public BatchWriter(
      HarperClient client, String database, String table, String syncName, RetryPolicy retry,
      Listener listener) {
    this.client = client;
    this.database = database;
    this.table = table;
    this.syncName = syncName;
    this.retry = retry;
    this.listener = listener;
    this.live = LiveNodes.of(client.connection().nodeCount());
  }

  /**
   * {@code call} on node {@code owner}, retried under the policy while the node answers with a
   * retriable error; on the other live nodes when it does not answer at all.
   */
  private <T> T onLiveNode(int owner, java.util.function.IntFunction<T> call) {
    return live.withRetries(owner, call, retry, listener::retried, listener::failedOver);
  }

  public Outcome write(int slot, List<SyncRecord> batch) {
    Outcome outcome = new Outcome();
    Map<String, SyncRecord> sendable = new LinkedHashMap<>();
    List<SyncRecord> repeats = new ArrayList<>();
    List<String> deadLetters = new ArrayList<>();
    Instant now = Instant.now();
    for (SyncRecord record : batch) {
      String refusal = refusal(record);
      if (refusal != null) {
        deadLetters.add(DeadLetter.row(syncName, table, record, refusal, now));
        outcome.deadLettered.add(record);
      } else {
        // One key per request: Harper 4.7 stores "skip": true into a record whose key repeats
        // within a request. A key repeats when it has several rows in the source, or when a
        // re-scan re-reads a row still in flight. The newest row is the one sent.
        SyncRecord earlier = sendable.get(record.id());
        if (earlier == null) {
          sendable.put(record.id(), record);
        } else if (RowOrder.isNewer(record, earlier)) {
          sendable.put(record.id(), record);
          repeats.add(earlier);
        } else {
          repeats.add(record);
        }
      }
    }
    List<SyncRecord> toSend = new ArrayList<>(sendable.values());
    List<String> refusals = new ArrayList<>();
    writeOrBisect(slot, toSend, outcome, deadLetters, refusals);
    if (toSend.size() >= MIN_ROWS_FOR_COLUMN_VERDICT && refusals.size() == toSend.size()) {
      columnRefused(slot, toSend, refusals);
    }
    outcome.written.addAll(repeats);
    if (!deadLetters.isEmpty()) {
      onLiveNode(slot, node -> client.upsert(node, database, DeadLetter.TABLE, deadLetters));
      outcome.requests++;
    }
    return outcome;
  }

  /** Why a record cannot be sent at all, or null. */
  private static String refusal(SyncRecord record) {
    if (record.id() == null || record.id().isEmpty()) {
      return "missing primary key (id is null or empty)";
    }
    if (!record.hasTimestamp()) {
      return "missing cursor timestamp (NULL): the row has no place in any shard's read order";
    }
    return null;
  }

  /**
   * Harper refused every row of a batch of at least this many, for the same property: that is a
   * column of the wrong type, a configuration error, not bad rows.
   */
  static final int MIN_ROWS_FOR_COLUMN_VERDICT = 10;
  private static final Pattern PROPERTY = Pattern.compile("in property (\\S+)");

  /** Stops the job: diverting a whole column's rows to the dead letters would lose the table. */
  private static void columnRefused(int slot, List<SyncRecord> records, List<String> refusals) {
    Matcher first = PROPERTY.matcher(refusals.get(0));
    if (!first.find()) {
      return;
    }
    String property = first.group(1);
    for (String refusal : refusals) {
      Matcher matcher = PROPERTY.matcher(refusal);
      if (!matcher.find() || !matcher.group(1).equals(property)) {
        return;
      }
    }
    String sourceType = jsonType(records.get(0).json(), property);
    throw new IllegalStateException("column '" + property + "': node " + slot + " refused it for"
        + " every one of " + records.size() + " rows of a batch (Harper: " + refusals.get(0)
        + "; the source sends it as " + sourceType + "). A whole column of the wrong type is a"
        + " configuration error: make the Harper attribute's type match the BigQuery column, or"
        + " leave the column out with --columns. Nothing of the batch was written or"
        + " dead-lettered, and no checkpoint passed it.");
  }

  private static String jsonType(String json, String property) {
    try {
      JsonNode value = MAPPER.readTree(json).path(property);
      return "a JSON " + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    } catch (java.io.IOException e) {
      return "unreadable JSON";
    }
  }

  private void writeOrBisect(int slot, List<SyncRecord> records, Outcome outcome,
      List<String> deadLetters, List<String> refusals) {
    if (records.isEmpty()) {
      return;
    }
    List<String> json = new ArrayList<>(records.size());
    for (SyncRecord record : records) {
      json.add(record.json());
    }
    try {
      outcome.requests++;
      HarperClient.ConditionalOutcome applied =
          onLiveNode(slot, node -> client.conditionalUpsert(node, database, table, json));
      outcome.written.addAll(records);
      outcome.skippedAsOlder += applied.skipped();
    } catch (HarperException.Permanent refused) {
      boolean tooLarge = refused.statusCode() == 413;
      if (!refused.isBadInput() && !tooLarge) {
        throw refused;
      }
      if (records.size() == 1) {
        String reason = tooLarge ? "refused as too large (HTTP 413) even alone" : refused.harperMessage();
        deadLetters.add(DeadLetter.row(syncName, table, records.get(0), reason, Instant.now()));
        outcome.deadLettered.add(records.get(0));
        refusals.add(reason);
        return;
      }
      // A bad value refuses the whole request: halves find the bad rows. Too large: halves fit.
      listener.bisected();
      int half = records.size() / 2;
      writeOrBisect(slot, records.subList(0, half), outcome, deadLetters, refusals);
      writeOrBisect(slot, records.subList(half, records.size()), outcome, deadLetters, refusals);
    }
  }
}
