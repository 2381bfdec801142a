package io.bqharpersync.pipeline;

import static io.bqharpersync.options.OptionChecks.duration;
import static io.bqharpersync.options.OptionChecks.matching;
import static io.bqharpersync.options.OptionChecks.oneOf;
import static io.bqharpersync.options.OptionChecks.orDefault;
import static io.bqharpersync.options.OptionChecks.positiveDuration;

import io.bqharpersync.audit.AuditSettings;
import io.bqharpersync.checkpoint.ShardLayout;
import io.bqharpersync.harper.HarperTarget;
import io.bqharpersync.harper.WriteTuning;
import io.bqharpersync.record.SyncName;
import io.bqharpersync.source.ReadPacing;
import io.bqharpersync.source.SourceTable;
import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;

/**
 * The sync job's settings, checked and immutable: what every step of the pipeline is built from.
 * {@link #from} checks each option on its own and names it in any error; {@link Preflight} then
 * checks them against BigQuery and Harper and resolves what they leave open.
 */
public record SyncConfig(
    String syncName,
    SyncMode mode,
    SourceTable source,
    ReadPacing reading,
    HarperTarget target,
    WriteTuning writing,
    AuditSettings audit,
    Duration historyInterval) implements Serializable {

  /** The sync's name: --syncName, by default the source table's name. */
  public static String syncName(SyncOptions options) {
    return syncName(options, SourceTable.from(options, Duration.ofSeconds(60)));
  }

  private static String syncName(SyncOptions options, SourceTable source) {
    return matching("syncName", orDefault(options.getSyncName(), source.name()), SyncName::isValid,
        SyncName.EXPECTED);
  }

  /** Checks every option; the first error names its option and nothing has been contacted yet. */
  public static SyncConfig from(SyncOptions options) {
    Duration requestTimeout = positiveDuration("requestTimeout", options.getRequestTimeout());
    SourceTable source = SourceTable.from(options, requestTimeout);
    return new SyncConfig(
        syncName(options, source),
        oneOf("mode", options.getMode(), SyncMode.class),
        source,
        ReadPacing.from(options),
        HarperTarget.from(options, requestTimeout),
        WriteTuning.from(options),
        AuditSettings.from(options),
        duration("historyInterval", options.getHistoryInterval()));
  }

  /** How this sync splits its table; its checkpoints belong to it. */
  public ShardLayout layout() {
    return new ShardLayout(syncName, source.partition().name(), reading.shards());
  }

  SyncConfig withSource(SourceTable resolved) {
    return new SyncConfig(syncName, mode, resolved, reading, target, writing, audit,
        historyInterval);
  }

  public SyncConfig withAudit(AuditSettings settings) {
    return new SyncConfig(syncName, mode, source, reading, target, writing, settings,
        historyInterval);
  }

  SyncConfig withTarget(HarperTarget resolved) {
    return new SyncConfig(syncName, mode, source, reading, resolved, writing, audit,
        historyInterval);
  }

  @Override
  public String toString() {
    return "SyncConfig{" + syncName + ", " + mode.name().toLowerCase(Locale.ROOT) + ", "
        + source.table() + " -> " + target.connection() + " " + target.database() + "."
        + target.table() + ", shards=" + reading.shards() + ", pageRows=" + reading.pageRows()
        + ", batchSize=" + writing.batchSize() + "}";
  }
}
