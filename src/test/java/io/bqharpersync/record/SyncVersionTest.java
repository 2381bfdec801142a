package io.bqharpersync.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyncVersionTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static ObjectNode row(String json) {
    try {
      return (ObjectNode) MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Test
  void stringOrderIsTimestampOrderAcrossTheWholeRange() {
    List<Long> ascending = List.of(Long.MIN_VALUE + 1, -62_135_596_800_000_000L, -1L, 0L, 1L,
        1_704_067_200_000_000L, 1_704_067_200_000_001L, Long.MAX_VALUE);
    for (int i = 1; i < ascending.size(); i++) {
      String earlier = SyncVersion.of(ascending.get(i - 1), row("{\"z\":9}"));
      String later = SyncVersion.of(ascending.get(i), row("{\"a\":0}"));
      assertTrue(earlier.compareTo(later) < 0, ascending.get(i - 1) + " before " + ascending.get(i));
      assertEquals(32, later.length());
    }
  }

  @Test
  void sameTimestampIsOrderedByContentAndIsStableForTheSameContent() {
    String a = SyncVersion.of(5, row("{\"reading\":1}"));
    String b = SyncVersion.of(5, row("{\"reading\":2}"));
    assertNotEquals(a, b);
    assertEquals(a, SyncVersion.of(5, row("{\"reading\":1}")));
  }

  @Test
  void stampingTwiceGivesTheSameVersion() {
    ObjectNode row = new ObjectMapper().createObjectNode().put("id", "x").put("reading", 2.5);
    String first = SyncVersion.stamp(row, 7).path(SyncVersion.FIELD).asText();
    String again = SyncVersion.stamp(row, 7).path(SyncVersion.FIELD).asText();
    assertEquals(first, again, "the version covers the row without its own field");
  }

  @Test
  void aColumnThatIsNullChangesNoVersion() {
    String before = SyncVersion.of(5, row("{\"id\":\"k\",\"reading\":1}"));
    assertEquals(before, SyncVersion.of(5, row("{\"id\":\"k\",\"reading\":1,\"site\":null}")));
    assertNotEquals(before, SyncVersion.of(5, row("{\"id\":\"k\",\"reading\":1,\"site\":\"x\"}")));
  }

  /** The one-serialization path gives, byte for byte, what stamping then serializing gives. */
  @Test
  void stampedJsonIsTheStampedRowsJson() {
    List<String> rows = List.of(
        "{}",
        "{\"id\":\"k\",\"reading\":1}",
        "{\"id\":\"k\",\"reading\":1.5,\"data\":{\"tags\":[\"a\",null],\"n\":null}}",
        "{\"id\":\"k\",\"site\":null,\"reading\":2}",
        "{\"id\":\"k\",\"syncVersion\":\"stale\",\"reading\":3}",
        "{\"syncVersion\":\"stale\"}",
        "{\"id\":\"quo\\\"te \u00e9\u00e8\",\"big\":12345678901234567890}");
    for (String json : rows) {
      for (long micros : List.of(-1L, 0L, 1_704_067_200_000_001L)) {
        String expected = SyncVersion.stamp(row(json), micros).toString();
        assertEquals(expected, SyncVersion.stampedJson(row(json), micros), json + " @" + micros);
      }
    }
  }
}
