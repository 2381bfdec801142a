package io.bqharpersync.harper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.bqharpersync.record.SyncRecord;
import io.bqharpersync.retry.RetriesExhaustedException;
import io.bqharpersync.retry.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchWriterTest {
  private FakeHarperNode node;
  private HarperClient client;
  private BatchWriter writer;

  @BeforeEach
  void start() throws Exception {
    node = new FakeHarperNode();
    client = new HarperClient(HarperConnection.of(List.of(node.url()), "u", "p").withRestPort(0));
    writer = new BatchWriter(client, "data", "T", "unit", RetryPolicy.of(3, Duration.ofMillis(5),
        Duration.ofSeconds(2)), new BatchWriter.Listener() {});
  }

  @AfterEach
  void stop() {
    client.close();
    node.close();
  }

  private static List<SyncRecord> batch(int size, Set<Integer> badAt) {
    List<SyncRecord> records = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      String reading = badAt.contains(i) ? "\"not-a-number\"" : Integer.toString(i);
      records.add(new SyncRecord("r" + i, i, 0, 0, i, size,
          "{\"id\":\"r" + i + "\",\"reading\":" + reading + "}"));
    }
    return records;
  }

  @Test
  void sendsEachKeyOncePerRequestAndAccountsForTheRepeats() {
    List<SyncRecord> records = new ArrayList<>(batch(3, Set.of()));
    records.add(new SyncRecord("r1", 1, 0, SyncRecord.UNTRACKED_PAGE, 0, 1,
        "{\"id\":\"r1\",\"reading\":1}"));
    BatchWriter.Outcome outcome = writer.write(0, records);

    assertEquals(1, node.upsertRequests.size());
    assertEquals(List.of("r0", "r1", "r2"),
        node.upsertRequests.get(0).stream().sorted().collect(Collectors.toList()));
    assertEquals(4, outcome.written.size(), "every record accounted for");
  }

  @Test
  void ofSeveralRowsOfOneKeyInARequestTheNewestIsSentWhateverTheirOrder() {
    // Device d1 reports three times; the newest report (cursor 300) comes first in the batch.
    List<SyncRecord> records = List.of(
        report("d1", 300, 0, "new"), report("d2", 100, 1, "only"), report("d1", 100, 2, "old"),
        report("d1", 200, 3, "middle"));
    BatchWriter.Outcome outcome = writer.write(0, records);

    assertEquals(4, outcome.written.size(), "every record accounted for");
    assertEquals("new", node.table("T").get("d1").path("state").asText());
    assertEquals("only", node.table("T").get("d2").path("state").asText());
  }

  @Test
  void aRowOlderThanTheStoredOneIsNotApplied() {
    writer.write(0, List.of(report("d1", 500, 0, "newest")));
    BatchWriter.Outcome late = writer.write(0, List.of(report("d1", 400, 0, "late")));

    assertEquals(1, late.skippedAsOlder);
    assertEquals("newest", node.table("T").get("d1").path("state").asText());
  }

  @Test
  void aNodeThatDoesNotAnswerHasItsWritesTakenByAnother() throws Exception {
    FakeHarperNode other = new FakeHarperNode();
    List<String> failovers = new ArrayList<>();
    try (HarperClient two = new HarperClient(HarperConnection.of(
        List.of(node.url(), other.url()), "u", "p").withRestPort(0))) {
      BatchWriter failingOver = new BatchWriter(two, "data", "T", "unit",
          RetryPolicy.of(2, Duration.ofMillis(5), Duration.ofSeconds(1)), new BatchWriter.Listener() {
            @Override
            public void failedOver(int owner, int to) {
              failovers.add(owner + "->" + to);
            }
          });
      node.close();
      BatchWriter.Outcome outcome = failingOver.write(0, batch(5, Set.of()));

      assertEquals(5, outcome.written.size());
      assertEquals(5, other.table("T").size(), "node 1 took node 0's writes");
      assertEquals(List.of("0->1"), failovers);
    } finally {
      other.close();
    }
  }

  @Test
  void aRequestTooLargeForTheNodeIsSplitNotRetriedForever() {
    node.limitRequestsTo(3);
    BatchWriter.Outcome outcome = writer.write(0, batch(10, Set.of()));

    assertEquals(10, outcome.written.size());
    assertEquals(10, node.table("T").size());
    assertTrue(node.upsertRequests.stream().allMatch(request -> request.size() <= 3),
        "every request the node took was small enough: " + node.upsertRequests);
  }

  @Test
  void aColumnRefusedForEveryRowOfABatchStopsTheJobAndDivertsNothing() {
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> writer.write(0, batch(12, java.util.stream.IntStream.range(0, 12).boxed()
            .collect(Collectors.toSet()))));

    assertTrue(refused.getMessage().contains("column 'reading'"), refused.getMessage());
    assertTrue(refused.getMessage().contains("must be a number"), refused.getMessage());
    assertTrue(refused.getMessage().contains("a JSON string"), refused.getMessage());
    assertTrue(node.table("T").isEmpty());
    assertTrue(node.table(DeadLetter.TABLE).isEmpty(), "nothing was dead-lettered");
  }

  /** A row of key {@code id} at {@code micros}, stamped with its version as the reader does. */
  private static SyncRecord report(String id, long micros, int index, String state) {
    com.fasterxml.jackson.databind.node.ObjectNode row =
        new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
            .put("id", id).put("state", state);
    return new SyncRecord(id, micros, 0, 0, index, 4,
        io.bqharpersync.record.SyncVersion.stamp(row, micros).toString());
  }

  @Test
  void bisectsToTheBadRowsAndWritesTheRest() {
    Set<Integer> bad = Set.of(3, 500, 998);
    BatchWriter.Outcome outcome = writer.write(0, batch(1000, bad));

    assertEquals(997, outcome.written.size());
    assertEquals(997, node.table("T").size());
    assertEquals(Set.of("r3", "r500", "r998"),
        outcome.deadLettered.stream().map(SyncRecord::id).collect(Collectors.toSet()));
    Set<String> reasons = new TreeSet<>();
    for (JsonNode letter : node.table(DeadLetter.TABLE).values()) {
      reasons.add(letter.path("reason").asText());
      assertTrue(letter.path("rawRow").asText().contains("not-a-number"));
      assertEquals("T", letter.path("targetTable").asText());
    }
    assertEquals(3, node.table(DeadLetter.TABLE).size());
    assertEquals(Set.of("Value \"not-a-number\" in property reading must be a number"), reasons);
    assertTrue(outcome.requests < 80, "bisection used " + outcome.requests + " requests");
  }

  @Test
  void recordWithoutPrimaryKeyIsDeadLetteredNotSent() {
    List<SyncRecord> records = new ArrayList<>(batch(2, Set.of()));
    records.add(new SyncRecord(null, 5, 0, 0, 0, 1, "{\"reading\":1}"));
    BatchWriter.Outcome outcome = writer.write(0, records);
    assertEquals(2, node.table("T").size());
    assertEquals(1, outcome.deadLettered.size());
    JsonNode letter = node.table(DeadLetter.TABLE).values().iterator().next();
    assertTrue(letter.path("reason").asText().contains("missing primary key"));
  }

  @Test
  void deadLetterIdIsStableSoARetryDoesNotDuplicateIt() {
    writer.write(0, batch(4, Set.of(1)));
    writer.write(0, batch(4, Set.of(1)));
    assertEquals(1, node.table(DeadLetter.TABLE).size());
  }

  @Test
  void configurationErrorsPropagateInsteadOfDeadLettering() {
    BatchWriter missing = new BatchWriter(client, "data", "Missing", "unit",
        RetryPolicy.defaults(), new BatchWriter.Listener() {});
    assertThrows(HarperException.Permanent.class, () -> missing.write(0, batch(3, Set.of())));
    assertTrue(node.table(DeadLetter.TABLE).isEmpty());
  }

  @Test
  void exhaustedRetriesPropagateAndNothingIsClaimed() {
    node.failNext(500, 500, 500, 500, 500);
    assertThrows(RetriesExhaustedException.class, () -> writer.write(0, batch(3, Set.of())));
    assertTrue(node.table("T").isEmpty());
  }
}
