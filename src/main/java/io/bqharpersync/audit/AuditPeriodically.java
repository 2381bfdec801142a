package io.bqharpersync.audit;

import io.bqharpersync.harper.HarperClient;
import io.bqharpersync.pipeline.SyncConfig;
import io.bqharpersync.retry.RetryPolicy;
import io.bqharpersync.source.BigQueryShardReader;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.beam.sdk.coders.InstantCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.PeriodicImpulse;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A continuous job's own audit: every {@code --auditInterval}, a {@link ContentAudit} with repair
 * of the rows that closed since the last one, so a replica that missed a transaction heals without
 * an operator. A window closes once it is behind every shard's committed cursor by {@code
 * --lookback}: the re-scan has had its chance at late rows there. The first audit of a sync covers
 * the table from its start.
 */
public final class AuditPeriodically extends PTransform<PBegin, PCollection<Integer>> {
  private final SyncConfig config;

  private AuditPeriodically(SyncConfig config) {
    this.config = config;
  }

  public static AuditPeriodically of(SyncConfig config) {
    return new AuditPeriodically(config);
  }

  @Override
  public PCollection<Integer> expand(PBegin input) {
    return input
        .apply("EveryAuditInterval", PeriodicImpulse.create()
            .withInterval(org.joda.time.Duration.millis(config.audit().interval().toMillis())))
        // One key, so that audits run one at a time even when one outlasts the interval.
        .apply("OneAuditAtATime", WithKeys.of(config.syncName()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), InstantCoder.of()))
        .apply("AuditAndRepairNodes", ParDo.of(new AuditFn(config)));
  }

  /** Runs one audit per tick; emits how many keys it found wrong on any node. */
  static final class AuditFn extends DoFn<KV<String, org.joda.time.Instant>, Integer> {
    /** Stateful only to be serial per key; the progress itself lives in Harper. */
    @StateId("runs")
    private final StateSpec<ValueState<Long>> runsSpec = StateSpecs.value(VarLongCoder.of());

    private static final Logger LOG = LoggerFactory.getLogger(AuditPeriodically.class);
    private final SyncConfig config;
    private final Counter missing = Metrics.counter(AuditPeriodically.class, "audit_missing_keys");
    private final Counter stale = Metrics.counter(AuditPeriodically.class, "audit_stale_keys");
    private final Counter extra = Metrics.counter(AuditPeriodically.class, "audit_extra_keys");
    private final Counter repaired = Metrics.counter(AuditPeriodically.class, "audit_repaired_keys");
    private final Counter runs = Metrics.counter(AuditPeriodically.class, "audit_runs");
    private final Counter failures = Metrics.counter(AuditPeriodically.class, "audit_failures");
    private transient HarperClient harper;
    private transient BigQueryShardReader reader;

    AuditFn(SyncConfig config) {
      this.config = config;
    }

    @Setup
    public void setup() {
      harper = new HarperClient(config.target().connection());
      reader = new BigQueryShardReader(config.source().client(), RetryPolicy.defaults(), () -> {});
    }

    @ProcessElement
    public void process(@StateId("runs") ValueState<Long> runsSoFar, OutputReceiver<Integer> out) {
      try {
        audit(out);
        Long before = runsSoFar.read();
        runsSoFar.write(before == null ? 1 : before + 1);
      } catch (RuntimeException e) {
        // An audit that cannot finish (a node down, BigQuery unavailable) must not stop the sync;
        // its window stays unaudited, so the next tick tries it again.
        failures.inc();
        LOG.warn("audit of {} did not finish; the next one retries its window: {}",
            config.syncName(), e.toString());
      }
    }

    private void audit(OutputReceiver<Integer> out) {
      Optional<AuditWindow> window = nextWindow();
      if (window.isEmpty()) {
        return;
      }
      ContentAudit audit = new ContentAudit(config, reader, harper);
      List<NodeAudit> nodes = audit.run(window.get(), true);
      int wrong = 0;
      for (NodeAudit node : nodes) {
        missing.inc(node.missing.count());
        stale.inc(node.stale.count());
        extra.inc(node.extra.count());
        repaired.inc(node.repaired);
        wrong += (int) (node.missing.count() + node.stale.count() + node.extra.count());
        if (node.ok() && node.repaired == 0) {
          LOG.info("audit of {}: {}", config.syncName(), node);
        } else {
          LOG.warn("audit of {}: {}", config.syncName(), node);
        }
      }
      runs.inc();
      AuditProgress.write(harper, config.target().database(), config.syncName(), window.get());
      out.output(wrong);
    }

    /** From where the last audit ended to the lookback behind the lowest committed cursor. */
    private Optional<AuditWindow> nextWindow() {
      Optional<Instant> committed = DriftCheck.committedUntil(config, harper);
      if (committed.isEmpty()) {
        return Optional.empty();
      }
      Instant until = committed.get().minus(config.reading().lookback());
      Instant from = AuditProgress.read(harper, config.target().database(), config.syncName())
          .orElse(null);
      if (from != null && !from.isBefore(until)) {
        return Optional.empty();
      }
      return Optional.of(new AuditWindow(from, until));
    }

    @Teardown
    public void teardown() {
      if (harper != null) {
        harper.close();
      }
    }
  }
}
