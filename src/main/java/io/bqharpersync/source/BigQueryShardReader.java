package io.bqharpersync.source;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.ServiceOptions;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.FieldList;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.JobStatistics;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.TableResult;
import com.google.cloud.http.HttpTransportOptions;
import io.bqharpersync.record.Cursor;
import io.bqharpersync.retry.RetryPolicy;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.Set;

/**
 * Runs {@link ShardQuery} pages with {@code google-cloud-bigquery}, the client production uses.
 *
 * <p>The client pages results itself ({@code pageToken}, jobs.get, tabledata.list) and polls a
 * query that is not yet complete. Its own retries are switched off so that one policy, this
 * reader's {@link RetryPolicy}, decides: {@code rateLimitExceeded}, {@code backendError}, 429,
 * 5xx and I/O errors (timeouts included) are retried with backoff; anything else, such as an
 * invalid query or a missing table, fails at once with BigQuery's message.
 */
public final class BigQueryShardReader {
  private static final Set<String> RETRIABLE_REASONS =
      Set.of("rateLimitExceeded", "backendError", "internalError", "jobRateLimitExceeded");

  private final BigQuery bigquery;
  private final RetryPolicy retry;
  private final Runnable onRetry;

  public BigQueryShardReader(BigQuery bigquery, RetryPolicy retry, Runnable onRetry) {
    this.bigquery = bigquery;
    this.retry = retry;
    this.onRetry = onRetry;
  }

  /**
   * A client for {@code projectId}. With {@code endpoint} null it is Google's service with
   * Application Default Credentials; otherwise that endpoint without credentials (the local
   * stand-in).
   */
  public static BigQuery client(String projectId, String endpoint, Duration requestTimeout) {
    BigQueryOptions.Builder options =
        BigQueryOptions.newBuilder()
            .setProjectId(projectId)
            .setRetrySettings(ServiceOptions.getNoRetrySettings())
            .setTransportOptions(
                HttpTransportOptions.newBuilder()
                    .setConnectTimeout((int) Math.min(requestTimeout.toMillis(), 30_000))
                    .setReadTimeout((int) requestTimeout.toMillis())
                    .build());
    if (endpoint != null) {
      options.setHost(endpoint).setCredentials(NoCredentials.getInstance());
    } else {
      options.setCredentials(applicationDefaultCredentials());
    }
    return options.build().getService();
  }

  /**
   * Google's credentials for this process, found as every Google client finds them; without
   * them the BigQuery client fails later with a NullPointerException that names nothing.
   */
  private static GoogleCredentials applicationDefaultCredentials() {
    try {
      return GoogleCredentials.getApplicationDefault();
    } catch (IOException e) {
      throw new IllegalArgumentException("--sourceTable: reading from BigQuery needs Google Cloud "
          + "credentials, and none were found (Application Default Credentials: run 'gcloud auth "
          + "application-default login', set GOOGLE_APPLICATION_CREDENTIALS to a key file, or run "
          + "with a service account attached, as Dataflow workers do); or give --bigQueryEndpoint "
          + "for a BigQuery stand-in");
    }
  }

  public static boolean isRetriable(RuntimeException e) {
    if (!(e instanceof BigQueryException)) {
      return false;
    }
    BigQueryException error = (BigQueryException) e;
    int code = error.getCode();
    BigQueryError detail = error.getError();
    if (detail != null && RETRIABLE_REASONS.contains(detail.getReason())) {
      return true;
    }
    // Code 0: no HTTP reply at all (connection refused, read timed out). An HTTP error reply
    // also arrives with an IOException cause, so the cause alone says nothing.
    return code == 429 || code >= 500 || code == 0;
  }

  /** The rows of one page, in cursor order. */
  public List<SourceRow> page(ShardQuery query, Cursor after, Instant upper, int limit) {
    return rows(query.tableQueries(), query.page(after, upper, limit));
  }

  /**
   * A full page that ends on a row without an id, completed with every row of that timestamp that
   * has none; any other page as it is. The next page starts after {@code (timestamp, "")}, that is
   * at the timestamp's first row with an id: without this, rows without an id beyond the page's
   * end would be skipped, since {@code id > @cursor_id} is never true of a NULL.
   */
  public List<SourceRow> withEveryNullIdRowAtItsEnd(ShardQuery query, List<SourceRow> page,
      int limit) {
    if (page.size() < limit || page.get(page.size() - 1).id() != null) {
      return page;
    }
    long micros = page.get(page.size() - 1).timestampMicros();
    List<SourceRow> completed = new ArrayList<>();
    for (SourceRow row : page) {
      if (row.id() != null || !Long.valueOf(micros).equals(row.timestampMicros())) {
        completed.add(row);
      }
    }
    completed.addAll(rows(query.tableQueries(), query.nullIdRowsAt(micros)));
    return completed;
  }

  /** Up to {@code limit} rows that have no cursor timestamp; see {@link TableQueries#nullCursorCount}. */
  public List<SourceRow> nullCursorRows(TableQueries table, String afterId, int limit) {
    return rows(table, table.nullCursorRows(afterId, limit));
  }

  public long nullCursorCount(TableQueries table) {
    return retry.run(() -> {
      for (FieldValueList row : runQuery(configuration(table.nullCursorCount(), false)).iterateAll()) {
        return row.get("row_count").getLongValue();
      }
      return 0L;
    }, BigQueryShardReader::isRetriable, onRetry);
  }

  /** Row count and id digest per bucket; see {@link ShardQuery#bucketDigests}. */
  public Map<Long, BucketDigest> bucketDigests(
      ShardQuery query, Instant lower, Instant upper, long bucketMicros) {
    QueryJobConfiguration config =
        configuration(query.bucketDigests(lower, upper, bucketMicros), false);
    return retry.run(() -> {
      Map<Long, BucketDigest> digests = new TreeMap<>();
      for (FieldValueList row : runQuery(config).iterateAll()) {
        digests.put(row.get("bucket").getLongValue(),
            new BucketDigest(row.get("row_count").getLongValue(),
                row.get("id_digest").isNull() ? 0L : row.get("id_digest").getLongValue()));
      }
      return digests;
    }, BigQueryShardReader::isRetriable, onRetry);
  }

  /** See {@link TableQueries#digestBefore}. */
  public BucketDigest digestBefore(TableQueries table, Instant upper) {
    QueryJobConfiguration config = configuration(table.digestBefore(upper), false);
    return retry.run(() -> {
      for (FieldValueList row : runQuery(config).iterateAll()) {
        return new BucketDigest(row.get("row_count").getLongValue(),
            row.get("id_digest").isNull() ? 0L : row.get("id_digest").getLongValue());
      }
      return BucketDigest.EMPTY;
    }, BigQueryShardReader::isRetriable, onRetry);
  }

  /** See {@link TableQueries#idsBefore}: rows holding only their id and cursor. */
  public List<SourceRow> idsBefore(TableQueries table, Instant upper) {
    return rows(table, table.idsBefore(upper));
  }

  /** See {@link TableQueries#window}. */
  public List<SourceRow> window(TableQueries table, Instant lower, Instant upper) {
    return rows(table, table.window(lower, upper));
  }

  /**
   * Folds every row of a statement into a fresh {@code start()}, one result page in memory at a
   * time, for statements whose result may be larger than memory. A retried query folds into a new
   * value from the start, so no row counts twice.
   */
  public <T> T fold(TableQueries table, QueryStatement statement, Supplier<T> start,
      BiConsumer<T, SourceRow> add) {
    QueryJobConfiguration config = configuration(statement, false);
    return retry.run(() -> {
      TableResult result = runQuery(config);
      FieldList fields = result.getSchema().getFields();
      T value = start.get();
      for (FieldValueList row : result.iterateAll()) {
        add.accept(value, BigQueryRows.toSourceRow(fields, row, table.idColumn(), table.cursorColumn()));
      }
      return value;
    }, BigQueryShardReader::isRetriable, onRetry);
  }

  private List<SourceRow> rows(TableQueries table, QueryStatement statement) {
    QueryJobConfiguration config = configuration(statement, false);
    return retry.run(() -> {
      TableResult result = runQuery(config);
      FieldList fields = result.getSchema().getFields();
      List<SourceRow> rows = new ArrayList<>();
      for (FieldValueList row : result.iterateAll()) {
        rows.add(BigQueryRows.toSourceRow(fields, row, table.idColumn(), table.cursorColumn()));
      }
      return rows;
    }, BigQueryShardReader::isRetriable, onRetry);
  }

  /**
   * The next page after {@code after}, within {@code window}; empty only when nothing is left up
   * to {@code hardLimit}. An empty window is followed by one query up to the hard limit rather
   * than by a walk of empty windows: after a gap, the shard does not know where its rows resume.
   */
  public List<SourceRow> nextPage(
      ShardQuery query, Cursor after, Instant hardLimit, int limit, ReadWindow window) {
    Instant upper = window.upper(after.isStart() ? null : after.timestamp(), hardLimit);
    List<SourceRow> rows = page(query, after, upper, limit);
    window.pageRead(rows.size(), limit);
    if (rows.isEmpty() && upper.isBefore(hardLimit)) {
      rows = page(query, after, hardLimit, limit);
    }
    return rows;
  }

  /** Bytes BigQuery would process for a statement, from a dry run; nothing is billed. */
  public long dryRunBytes(QueryStatement statement) {
    QueryJobConfiguration config = configuration(statement, true);
    Job job = retry.run(() -> bigquery.create(JobInfo.of(config)),
        BigQueryShardReader::isRetriable, onRetry);
    JobStatistics.QueryStatistics statistics = job.getStatistics();
    return statistics.getTotalBytesProcessed();
  }

  private static QueryJobConfiguration configuration(QueryStatement statement, boolean dryRun) {
    return QueryJobConfiguration.newBuilder(statement.sql)
        .setNamedParameters(statement.parameters)
        .setUseLegacySql(false)
        .setDryRun(dryRun)
        .build();
  }

  private TableResult runQuery(QueryJobConfiguration config) {
    try {
      return bigquery.query(config);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BigQueryException(0, "interrupted while waiting for a query", e);
    }
  }
}
