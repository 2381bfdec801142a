package io.bqharpersync.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StatusReportTest {
  @Test
  void durationsReadAsOperatorsWriteThem() {
    assertEquals("4.2s", StatusReport.human(Duration.ofMillis(4_200)));
    assertEquals("5m", StatusReport.human(Duration.ofMinutes(5)));
    assertEquals("10m36s", StatusReport.human(Duration.ofSeconds(636)));
    assertEquals("2h", StatusReport.human(Duration.ofHours(2).plusSeconds(5)));
    assertEquals("1d3h", StatusReport.human(Duration.ofHours(27)));
  }
}
