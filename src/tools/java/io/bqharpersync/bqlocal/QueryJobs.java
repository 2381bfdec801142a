package io.bqharpersync.bqlocal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Finished query jobs, by id, with their results held for paging; the oldest are dropped. */
final class QueryJobs {
  static final String RESULTS_DATASET = "_bqlocal_results";
  private static final int KEEP = 200;

  static final class Job {
    final String id;
    final String projectId;
    final String location;
    final String query;
    final LocalCatalog.QueryResult result;

    Job(String id, String projectId, String location, String query, LocalCatalog.QueryResult result) {
      this.id = id;
      this.projectId = projectId;
      this.location = location;
      this.query = query;
      this.result = result;
    }

    /** The anonymous table that holds the results, as BigQuery names one. */
    String resultTable() {
      return "anon_" + id.replace('-', '_');
    }
  }

  private final Map<String, Job> jobs =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Job> eldest) {
          return size() > KEEP;
        }
      };

  synchronized Job add(String requestedId, String projectId, String location, String query,
      LocalCatalog.QueryResult result) {
    String id = requestedId != null ? requestedId : "bqlocal_" + UUID.randomUUID().toString().replace("-", "");
    Job job = new Job(id, projectId, location, query, result);
    jobs.put(id, job);
    return job;
  }

  synchronized Job get(String id) {
    return jobs.get(id);
  }

  synchronized Job byResultTable(String table) {
    for (Job job : jobs.values()) {
      if (job.resultTable().equals(table)) {
        return job;
      }
    }
    return null;
  }
}
