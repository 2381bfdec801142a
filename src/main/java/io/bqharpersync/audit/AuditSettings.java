package io.bqharpersync.audit;

import static io.bqharpersync.options.OptionChecks.duration;
import static io.bqharpersync.options.OptionChecks.inRange;

import io.bqharpersync.options.AuditOptions;
import java.io.Serializable;
import java.time.Duration;

/**
 * The content audit's settings, checked.
 *
 * @param interval how often a continuous job audits; zero for never
 */
public record AuditSettings(Duration interval, Duration settle, String idPrefix, int listLimit)
    implements Serializable {
  public static AuditSettings from(AuditOptions options) {
    return new AuditSettings(
        duration("auditInterval", options.getAuditInterval()),
        duration("auditSettle", options.getAuditSettle()),
        options.getAuditIdPrefix() == null ? "" : options.getAuditIdPrefix(),
        inRange("auditListLimit", options.getAuditListLimit(), 1_000, 10_000_000));
  }

  public boolean periodic() {
    return !interval.isZero();
  }
}
