package io.bqharpersync.record;

import java.time.Instant;

/** BigQuery TIMESTAMPs are microseconds since the epoch; conversions to and from {@link Instant}. */
public final class Micros {
  private Micros() {}

  public static long of(Instant instant) {
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L),
        instant.getNano() / 1000);
  }

  public static Instant toInstant(long micros) {
    return Instant.EPOCH.plusSeconds(Math.floorDiv(micros, 1_000_000L))
        .plusNanos(Math.floorMod(micros, 1_000_000L) * 1000L);
  }

  public static long now() {
    return of(Instant.now());
  }
}
