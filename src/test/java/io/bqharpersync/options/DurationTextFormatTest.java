package io.bqharpersync.options;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextFormatTest {
  @Test
  void durationsReadAsOperatorsWriteThem() {
    assertEquals("4.2s", DurationText.format(Duration.ofMillis(4_200)));
    assertEquals("5m", DurationText.format(Duration.ofMinutes(5)));
    assertEquals("10m36s", DurationText.format(Duration.ofSeconds(636)));
    assertEquals("2h", DurationText.format(Duration.ofHours(2).plusSeconds(5)));
    assertEquals("1d3h", DurationText.format(Duration.ofHours(27)));
  }
}
