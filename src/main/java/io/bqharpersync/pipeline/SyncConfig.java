package io.bqharpersync.pipeline;

import io.bqharpersync.harper.BatchSizePolicy;
import io.bqharpersync.harper.HarperConnection;
import io.bqharpersync.source.PartitionExpression;
import io.bqharpersync.source.ShardQuery;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The sync job's settings, checked and immutable; what every step of the pipeline is built from.
 * {@link #from} checks each option on its own and names it in any error; {@link Preflight} then
 * checks them against BigQuery and Harper. The Harper password is read here, from the environment
 * or a file, and lives only inside {@link HarperConnection}, which never prints it.
 */
public final class SyncConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  public final String syncName;
  public final SyncMode mode;
  public final String sourceTable;
  public final String bigQueryProject;
  /** Null for Google's service. */
  public final String bigQueryEndpoint;
  /** Empty until {@link Preflight} resolves "every column" against the table's schema. */
  public final List<String> columns;
  public final String idColumn;
  public final ShardQuery.IdType idType;
  public final String cursorColumn;
  public final PartitionExpression partition;
  public final int shards;
  public final int pageRows;
  public final HarperConnection harper;
  /** Set when the nodes are to be discovered from this one; {@link Preflight} resolves them. */
  public final String harperSeedNode;
  public final String harperDatabase;
  public final String harperTable;
  /** Backfill only; null means now minus the safety lag, fixed when the job starts. */
  public final Instant backfillUntil;
  public final Duration safetyLag;
  public final Duration pollInterval;
  public final Duration lookback;
  public final Duration rescanInterval;
  public final Duration nullScanInterval;
  public final Duration readWindow;
  public final Duration maxReadWindow;
  public final int maxPagesInFlight;
  public final BatchSizePolicy batchSize;
  public final Duration maxBufferingDuration;
  public final Duration requestTimeout;

  private SyncConfig(Builder b) {
    this.syncName = b.syncName;
    this.mode = b.mode;
    this.sourceTable = b.sourceTable;
    this.bigQueryProject = b.bigQueryProject;
    this.bigQueryEndpoint = b.bigQueryEndpoint;
    this.columns = List.copyOf(b.columns);
    this.idColumn = b.idColumn;
    this.idType = b.idType;
    this.cursorColumn = b.cursorColumn;
    this.partition = b.partition;
    this.shards = b.shards;
    this.pageRows = b.pageRows;
    this.harper = b.harper;
    this.harperSeedNode = b.harperSeedNode;
    this.harperDatabase = b.harperDatabase;
    this.harperTable = b.harperTable;
    this.backfillUntil = b.backfillUntil;
    this.safetyLag = b.safetyLag;
    this.pollInterval = b.pollInterval;
    this.lookback = b.lookback;
    this.rescanInterval = b.rescanInterval;
    this.nullScanInterval = b.nullScanInterval;
    this.readWindow = b.readWindow;
    this.maxReadWindow = b.maxReadWindow;
    this.maxPagesInFlight = b.maxPagesInFlight;
    this.batchSize = b.batchSize;
    this.maxBufferingDuration = b.maxBufferingDuration;
    this.requestTimeout = b.requestTimeout;
  }

  /** Checks every option; the first error names its option and nothing has been contacted yet. */
  public static SyncConfig from(SyncOptions o) {
    Builder b = new Builder();
    b.sourceTable = required("sourceTable", o.getSourceTable()).trim();
    String[] tableParts = b.sourceTable.split("\\.", -1);
    b.bigQueryProject = blank(o.getBigQueryProject()) ? tableParts[0] : o.getBigQueryProject().trim();
    b.bigQueryEndpoint = blank(o.getBigQueryEndpoint()) ? null : o.getBigQueryEndpoint().trim();
    if (b.bigQueryEndpoint != null && !b.bigQueryEndpoint.matches("https?://\\S+")) {
      throw new IllegalArgumentException(
          "--bigQueryEndpoint: expected an http(s) URL, got '" + b.bigQueryEndpoint + "'");
    }
    b.columns = new ArrayList<>();
    if (!blank(o.getColumns())) {
      for (String column : o.getColumns().split(",")) {
        if (!column.isBlank()) {
          b.columns.add(column.trim());
        }
      }
    }
    b.idColumn = required("idColumn", o.getIdColumn()).trim();
    b.cursorColumn = required("cursorColumn", o.getCursorColumn()).trim();
    b.partition = enumOption("partitionExpression", o.getPartitionExpression(), PartitionExpression.class);
    b.shards = range("shards", o.getShards(), 1, 1024);
    b.pageRows = range("pageRows", o.getPageRows(), 1, 100_000);
    b.mode = SyncMode.parse(o.getMode());
    b.backfillUntil = blank(o.getBackfillUntil()) ? null : instant("backfillUntil", o.getBackfillUntil());
    b.safetyLag = DurationText.parse("safetyLag", o.getSafetyLag());
    b.pollInterval = positive("pollInterval", DurationText.parse("pollInterval", o.getPollInterval()));
    b.lookback = DurationText.parse("lookback", o.getLookback());
    b.rescanInterval = positive("rescanInterval", DurationText.parse("rescanInterval", o.getRescanInterval()));
    b.nullScanInterval = positive("nullTimestampScanInterval",
        DurationText.parse("nullTimestampScanInterval", o.getNullTimestampScanInterval()));
    b.readWindow = positive("readWindow", DurationText.parse("readWindow", o.getReadWindow()));
    b.maxReadWindow = DurationText.parse("maxReadWindow", o.getMaxReadWindow());
    if (b.maxReadWindow.compareTo(b.readWindow) < 0) {
      throw new IllegalArgumentException("--maxReadWindow: must be at least --readWindow ("
          + o.getReadWindow() + "), got '" + o.getMaxReadWindow() + "'");
    }
    b.maxPagesInFlight = range("maxPagesInFlight", o.getMaxPagesInFlight(), 1, 1000);
    try {
      b.batchSize = BatchSizePolicy.parse(o.getBatchSize());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + e.getMessage(), e);
    }
    b.maxBufferingDuration = positive("maxBufferingDuration",
        DurationText.parse("maxBufferingDuration", o.getMaxBufferingDuration()));
    b.requestTimeout = positive("requestTimeout", DurationText.parse("requestTimeout", o.getRequestTimeout()));

    b.harperDatabase = required("harperDatabase", o.getHarperDatabase()).trim();
    b.harperTable = required("harperTable", o.getHarperTable()).trim();
    String user = required("harperUser", o.getHarperUser());
    String password = password(o);
    boolean listed = !blank(o.getHarperNodes());
    boolean seeded = !blank(o.getHarperSeedNode());
    if (listed == seeded) {
      throw new IllegalArgumentException(
          "--harperNodes / --harperSeedNode: give exactly one of them");
    }
    List<String> nodes = new ArrayList<>();
    if (listed) {
      for (String url : o.getHarperNodes().split(",")) {
        if (!url.isBlank()) {
          nodes.add(url.trim());
        }
      }
    } else {
      b.harperSeedNode = o.getHarperSeedNode().trim();
      nodes.add(b.harperSeedNode);
    }
    try {
      b.harper = HarperConnection.of(nodes, user, password).withRequestTimeout(b.requestTimeout);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          (listed ? "--harperNodes: " : "--harperSeedNode: ") + e.getMessage(), e);
    }
    String name = blank(o.getSyncName()) ? tableParts[tableParts.length - 1] : o.getSyncName().trim();
    if (!name.matches("[A-Za-z0-9_.-]{1,100}")) {
      throw new IllegalArgumentException(
          "--syncName: 1-100 letters, digits, '_', '.' or '-', got '" + name + "'");
    }
    b.syncName = name;
    SyncConfig config = new SyncConfig(b);
    config.shardQuery(0, b.columns.isEmpty() ? List.of(b.idColumn, b.cursorColumn) : b.columns,
        ShardQuery.IdType.STRING);
    return config;
  }

  /** The query of shard {@code shard}. */
  public ShardQuery shardQuery(int shard) {
    return shardQuery(shard, columns, idType);
  }

  private ShardQuery shardQuery(int shard, List<String> cols, ShardQuery.IdType type) {
    try {
      return ShardQuery.builder()
          .table(sourceTable)
          .idColumn(idColumn, type)
          .cursorColumn(cursorColumn)
          .columns(cols)
          .partition(partition)
          .shard(shard, shards)
          .build();
    } catch (IllegalArgumentException e) {
      // ShardQuery names its parts; the option for its "table" is --sourceTable.
      String message = e.getMessage();
      throw new IllegalArgumentException(
          message.startsWith("table") ? "--sourceTable" + message.substring(5) : "--" + message, e);
    }
  }

  /** With what {@link Preflight} learned: the columns, the id type, the discovered nodes. */
  SyncConfig resolved(List<String> resolvedColumns, ShardQuery.IdType resolvedIdType,
      HarperConnection resolvedHarper) {
    Builder b = toBuilder();
    b.columns = new ArrayList<>(resolvedColumns);
    b.idType = resolvedIdType;
    b.harper = resolvedHarper;
    SyncConfig config = new SyncConfig(b);
    config.shardQuery(0);
    return config;
  }

  /** The end of a backfill: the option, else now minus the safety lag. */
  public Instant backfillEnd(Instant now) {
    return backfillUntil != null ? backfillUntil : now.minus(safetyLag);
  }

  /** Width of the trailing re-scan's buckets: a sixtieth of the lookback, at least a second. */
  public long bucketMicros() {
    return Math.max(1_000_000L, lookback.toNanos() / 1000 / 60);
  }

  @Override
  public String toString() {
    return "SyncConfig{" + syncName + ", " + mode.name().toLowerCase(Locale.ROOT) + ", "
        + sourceTable + " -> " + harper + " " + harperDatabase + "." + harperTable + ", shards="
        + shards + ", pageRows=" + pageRows + ", batchSize=" + batchSize + "}";
  }

  private Builder toBuilder() {
    Builder b = new Builder();
    b.syncName = syncName;
    b.mode = mode;
    b.sourceTable = sourceTable;
    b.bigQueryProject = bigQueryProject;
    b.bigQueryEndpoint = bigQueryEndpoint;
    b.columns = new ArrayList<>(columns);
    b.idColumn = idColumn;
    b.idType = idType;
    b.cursorColumn = cursorColumn;
    b.partition = partition;
    b.shards = shards;
    b.pageRows = pageRows;
    b.harper = harper;
    b.harperSeedNode = harperSeedNode;
    b.harperDatabase = harperDatabase;
    b.harperTable = harperTable;
    b.backfillUntil = backfillUntil;
    b.safetyLag = safetyLag;
    b.pollInterval = pollInterval;
    b.lookback = lookback;
    b.rescanInterval = rescanInterval;
    b.nullScanInterval = nullScanInterval;
    b.readWindow = readWindow;
    b.maxReadWindow = maxReadWindow;
    b.maxPagesInFlight = maxPagesInFlight;
    b.batchSize = batchSize;
    b.maxBufferingDuration = maxBufferingDuration;
    b.requestTimeout = requestTimeout;
    return b;
  }

  private static final class Builder {
    String syncName;
    SyncMode mode;
    String sourceTable;
    String bigQueryProject;
    String bigQueryEndpoint;
    List<String> columns;
    String idColumn;
    ShardQuery.IdType idType = ShardQuery.IdType.STRING;
    String cursorColumn;
    PartitionExpression partition;
    int shards;
    int pageRows;
    HarperConnection harper;
    String harperSeedNode;
    String harperDatabase;
    String harperTable;
    Instant backfillUntil;
    Duration safetyLag;
    Duration pollInterval;
    Duration lookback;
    Duration rescanInterval;
    Duration nullScanInterval;
    Duration readWindow;
    Duration maxReadWindow;
    int maxPagesInFlight;
    BatchSizePolicy batchSize;
    Duration maxBufferingDuration;
    Duration requestTimeout;
  }

  private static String password(SyncOptions o) {
    if (!blank(o.getHarperPasswordFile())) {
      Path file = Path.of(o.getHarperPasswordFile().trim());
      try {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || lines.get(0).isEmpty()) {
          throw new IllegalArgumentException("--harperPasswordFile: " + file + " is empty");
        }
        return lines.get(0);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "--harperPasswordFile: cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
      }
    }
    String variable = required("harperPasswordEnv", o.getHarperPasswordEnv()).trim();
    String value = System.getenv(variable);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("--harperPasswordEnv: environment variable " + variable
          + " is not set; set it to the Harper password, or use --harperPasswordFile");
    }
    return value;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static String required(String option, String value) {
    if (blank(value)) {
      throw new IllegalArgumentException("--" + option + ": required");
    }
    return value;
  }

  private static int range(String option, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          "--" + option + ": must be within " + min + ".." + max + ", got " + value);
    }
    return value;
  }

  private static Duration positive(String option, Duration value) {
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException("--" + option + ": must be positive, got " + value);
    }
    return value;
  }

  private static Instant instant(String option, String text) {
    try {
      return Instant.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "--" + option + ": expected an ISO-8601 instant such as 2026-01-31T00:00:00Z, got '" + text + "'");
    }
  }

  private static <E extends Enum<E>> E enumOption(String option, String text, Class<E> type) {
    try {
      return Enum.valueOf(type, required(option, text).trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + option + ": '" + text + "' is not one of "
          + java.util.Arrays.toString(type.getEnumConstants()));
    }
  }
}
