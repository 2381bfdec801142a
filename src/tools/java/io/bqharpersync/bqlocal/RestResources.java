package io.bqharpersync.bqlocal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * The BigQuery v2 resources the stand-in serves, as JSON replies in BigQuery's shape: queries and
 * their result pages, jobs, table data, datasets and tables. {@link BigQueryStandIn} routes HTTP
 * requests here and turns exceptions into BigQuery's error replies.
 */
final class RestResources {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  static final int DEFAULT_PAGE_ROWS = 10_000;

  private final LocalCatalog catalog;
  private final QueryJobs jobs = new QueryJobs();
  private volatile int pageRows = DEFAULT_PAGE_ROWS;

  RestResources(LocalCatalog catalog) {
    this.catalog = catalog;
  }

  void pageRows(int rows) {
    this.pageRows = rows;
  }


  ObjectNode query(String projectId, JsonNode body) throws SQLException {
    String sql = body.path("query").asText();
    if (body.path("useLegacySql").asBoolean(false)) {
      throw new BigQueryStandIn.ApiError(400, "invalidQuery", "legacy SQL is not supported");
    }
    String location = body.path("location").asText("US");
    if (body.path("dryRun").asBoolean(false)) {
      return dryRunReply(projectId, location, sql);
    }
    LocalCatalog.QueryResult result = catalog.query(sql, body.path("queryParameters"));
    QueryJobs.Job job = jobs.add(null, projectId, location, sql, result);
    boolean int64 = body.path("formatOptions").path("useInt64Timestamp").asBoolean(false);
    ObjectNode reply = resultsReply(job, 0, maxResults(body.path("maxResults")), int64);
    reply.put("kind", "bigquery#queryResponse");
    return reply;
  }

  Object incomplete(Matcher path, JsonNode body) throws Exception {
    if (path.pattern().pattern().endsWith("/queries")) {
      // Run it now, answer as if it were still running; getQueryResults finds it done.
      ObjectNode full = query(path.group(1), body);
      ObjectNode reply = MAPPER.createObjectNode();
      reply.put("kind", "bigquery#queryResponse");
      reply.set("jobReference", full.get("jobReference"));
      reply.put("jobComplete", false);
      return reply;
    }
    ObjectNode reply = MAPPER.createObjectNode();
    reply.put("kind", "bigquery#getQueryResultsResponse");
    QueryJobs.Job job = jobs.get(path.group(2));
    if (job != null) {
      reply.set("jobReference", jobReference(job));
    }
    reply.put("jobComplete", false);
    return reply;
  }

  ObjectNode queryResults(String jobId, Map<String, String> query) {
    QueryJobs.Job job = requireJob(jobId);
    long start = Long.parseLong(query.getOrDefault("startIndex", "0"));
    if (query.containsKey("pageToken")) {
      start = Long.parseLong(query.get("pageToken"));
    }
    int max = query.containsKey("maxResults") ? Integer.parseInt(query.get("maxResults")) : pageRows;
    boolean int64 = Boolean.parseBoolean(query.getOrDefault("formatOptions.useInt64Timestamp", "false"));
    ObjectNode reply = resultsReply(job, start, max, int64);
    reply.put("kind", "bigquery#getQueryResultsResponse");
    return reply;
  }

  ObjectNode resultsReply(QueryJobs.Job job, long start, int max, boolean int64Timestamps) {
    ObjectNode reply = MAPPER.createObjectNode();
    reply.set("jobReference", jobReference(job));
    reply.putObject("schema").set("fields", job.result.fields);
    reply.put("totalRows", Long.toString(job.result.rows.size()));
    reply.put("jobComplete", true);
    reply.put("cacheHit", false);
    reply.put("totalBytesProcessed", "0");
    long end = Math.min(job.result.rows.size(), start + max);
    if (max > 0) {
      reply.set("rows", rows(job.result, start, end, int64Timestamps));
    }
    if (end < job.result.rows.size()) {
      reply.put("pageToken", Long.toString(end));
    }
    return reply;
  }

  private int maxResults(JsonNode requested) {
    return requested.isMissingNode() || requested.isNull() ? pageRows : Math.min(requested.asInt(), pageRows);
  }

  private static ArrayNode rows(LocalCatalog.QueryResult result, long start, long end, boolean int64) {
    ArrayNode rows = MAPPER.createArrayNode();
    for (long i = start; i < end; i++) {
      Object[] values = result.rows.get((int) i);
      ArrayNode cells = rows.addObject().putArray("f");
      for (int c = 0; c < values.length; c++) {
        cells.add(BigQueryValues.cell(result.fields.get(c), values[c], int64));
      }
    }
    return rows;
  }

  ObjectNode job(String jobId) {
    QueryJobs.Job job = requireJob(jobId);
    ObjectNode reply = MAPPER.createObjectNode();
    reply.put("kind", "bigquery#job");
    reply.put("id", job.projectId + ":" + job.location + "." + job.id);
    reply.set("jobReference", jobReference(job));
    reply.putObject("status").put("state", "DONE");
    ObjectNode configuration = reply.putObject("configuration");
    configuration.put("jobType", "QUERY");
    ObjectNode queryConfig = configuration.putObject("query");
    queryConfig.put("query", job.query);
    queryConfig.put("useLegacySql", false);
    ObjectNode destination = queryConfig.putObject("destinationTable");
    destination.put("projectId", job.projectId);
    destination.put("datasetId", QueryJobs.RESULTS_DATASET);
    destination.put("tableId", job.resultTable());
    ObjectNode statistics = reply.putObject("statistics");
    statistics.putObject("query").put("totalBytesProcessed", "0");
    return reply;
  }

  /** jobs.insert: only dry runs of queries; anything else is refused with a clear message. */
  ObjectNode insertJob(String projectId, JsonNode body) throws SQLException {
    JsonNode query = body.path("configuration").path("query");
    if (query.isMissingNode() || !body.path("configuration").path("dryRun").asBoolean(false)) {
      throw new BigQueryStandIn.ApiError(400, "invalid", "the stand-in runs query jobs through jobs.query; "
          + "jobs.insert is served for dry runs only");
    }
    String location = body.path("jobReference").path("location").asText("US");
    return dryRunReply(projectId, location, query.path("query").asText());
  }

  ObjectNode dryRunReply(String projectId, String location, String sql) throws SQLException {
    long bytes = catalog.estimateBytes(sql);
    ObjectNode reply = MAPPER.createObjectNode();
    reply.put("kind", "bigquery#job");
    ObjectNode reference = reply.putObject("jobReference");
    reference.put("projectId", projectId);
    reference.put("location", location);
    reply.putObject("status").put("state", "DONE");
    reply.putObject("configuration").put("dryRun", true).putObject("query").put("query", sql);
    ObjectNode statistics = reply.putObject("statistics");
    statistics.put("totalBytesProcessed", Long.toString(bytes));
    statistics.putObject("query").put("totalBytesProcessed", Long.toString(bytes));
    reply.put("totalBytesProcessed", Long.toString(bytes));
    reply.put("jobComplete", true);
    return reply;
  }

  ObjectNode tableData(String dataset, String table, Map<String, String> query)
      throws SQLException {
    LocalCatalog.QueryResult result;
    if (dataset.equals(QueryJobs.RESULTS_DATASET)) {
      QueryJobs.Job job = jobs.byResultTable(table);
      if (job == null) {
        throw new LocalCatalog.NotFound("Not found: Table " + dataset + "." + table);
      }
      result = job.result;
    } else {
      result = catalog.readTable(dataset, table);
    }
    long start = Long.parseLong(query.getOrDefault("pageToken", query.getOrDefault("startIndex", "0")));
    int max = query.containsKey("maxResults") ? Integer.parseInt(query.get("maxResults")) : pageRows;
    boolean int64 = Boolean.parseBoolean(query.getOrDefault("formatOptions.useInt64Timestamp", "false"));
    long end = Math.min(result.rows.size(), start + max);
    ObjectNode reply = MAPPER.createObjectNode();
    reply.put("kind", "bigquery#tableDataList");
    reply.put("totalRows", Long.toString(result.rows.size()));
    reply.set("rows", rows(result, start, end, int64));
    if (end < result.rows.size()) {
      reply.put("pageToken", Long.toString(end));
    }
    return reply;
  }

  ObjectNode insertAll(String dataset, String table, JsonNode body) throws SQLException {
    List<JsonNode> rows = new ArrayList<>();
    body.path("rows").forEach(row -> rows.add(row.path("json")));
    catalog.insert(dataset, table, rows);
    return MAPPER.createObjectNode().put("kind", "bigquery#tableDataInsertAllResponse");
  }

  ObjectNode createDataset(String projectId, JsonNode body) throws SQLException {
    String dataset = body.path("datasetReference").path("datasetId").asText();
    catalog.createDataset(dataset);
    ObjectNode reply = MAPPER.createObjectNode();
    reply.put("kind", "bigquery#dataset");
    reply.put("id", projectId + ":" + dataset);
    reply.putObject("datasetReference").put("projectId", projectId).put("datasetId", dataset);
    return reply;
  }

  ObjectNode createTable(String projectId, String dataset, JsonNode body) throws SQLException {
    String table = body.path("tableReference").path("tableId").asText();
    if (catalog.tableExists(dataset, table)) {
      throw new BigQueryStandIn.ApiError(409, "duplicate", "Already Exists: Table " + projectId + ":" + dataset + "." + table);
    }
    catalog.createTable(dataset, table, (ArrayNode) body.path("schema").path("fields"));
    return table(projectId, dataset, table);
  }

  /** tables.patch and tables.update: only the schema is taken, and only new columns. */
  ObjectNode patchTable(String projectId, String dataset, String table, JsonNode body)
      throws SQLException {
    if (body.path("schema").path("fields").isArray()) {
      catalog.addColumns(dataset, table, (ArrayNode) body.path("schema").path("fields"));
    }
    return table(projectId, dataset, table);
  }

  ObjectNode table(String projectId, String dataset, String table) {
    ObjectNode reply = MAPPER.createObjectNode();
    reply.put("kind", "bigquery#table");
    reply.put("id", projectId + ":" + dataset + "." + table);
    reply.putObject("tableReference").put("projectId", projectId).put("datasetId", dataset)
        .put("tableId", table);
    reply.putObject("schema").set("fields", catalog.schema(dataset, table));
    reply.put("type", "TABLE");
    return reply;
  }

  private QueryJobs.Job requireJob(String jobId) {
    QueryJobs.Job job = jobs.get(jobId);
    if (job == null) {
      throw new LocalCatalog.NotFound("Not found: Job " + jobId);
    }
    return job;
  }

  private static ObjectNode jobReference(QueryJobs.Job job) {
    ObjectNode reference = MAPPER.createObjectNode();
    reference.put("projectId", job.projectId);
    reference.put("jobId", job.id);
    reference.put("location", job.location);
    return reference;
  }
}
