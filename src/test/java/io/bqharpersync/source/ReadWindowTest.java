package io.bqharpersync.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReadWindowTest {
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  private static final Instant LIMIT = Instant.parse("2024-02-01T00:00:00Z");

  @Test
  void widensOnSparsePagesNarrowsOnFullOnesAndNeverPassesTheLimit() {
    ReadWindow window = new ReadWindow(Duration.ofHours(1), Duration.ofDays(2));
    assertEquals(LIMIT, window.upper(null, LIMIT), "a shard at its start reads up to the limit");
    assertEquals(T0.plus(Duration.ofHours(1)), window.upper(T0, LIMIT));
    window.pageRead(3, 100);
    assertEquals(Duration.ofHours(2), window.width());
    for (int i = 0; i < 10; i++) {
      window.pageRead(0, 100);
    }
    assertEquals(Duration.ofDays(2), window.width());
    window.pageRead(100, 100);
    assertEquals(Duration.ofDays(1), window.width());
    assertEquals(LIMIT, window.upper(LIMIT.minusSeconds(5), LIMIT));
    for (int i = 0; i < 20; i++) {
      window.pageRead(100, 100);
    }
    assertEquals(Duration.ofHours(1), window.width());
  }
}
