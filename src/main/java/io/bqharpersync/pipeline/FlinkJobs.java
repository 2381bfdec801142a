package io.bqharpersync.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Finds a job on a Flink cluster by name through its REST API ({@code GET /jobs/overview}): a job
 * submitted detached is known to the client only by the name it was given.
 */
public final class FlinkJobs {
  private static final Set<String> ACTIVE = Set.of("CREATED", "INITIALIZING", "RUNNING", "RESTARTING");

  private FlinkJobs() {}

  /** The id of the newest job of this name that has not ended, on the cluster at {@code master}. */
  public static Optional<String> runningJobId(String master, String name) {
    try {
      HttpResponse<String> response = HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5)).build()
          .send(HttpRequest.newBuilder(URI.create("http://" + master + "/jobs/overview"))
              .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      JsonNode newest = null;
      for (JsonNode job : new ObjectMapper().readTree(response.body()).path("jobs")) {
        if (job.path("name").asText().equals(name) && ACTIVE.contains(job.path("state").asText())
            && (newest == null
                || job.path("start-time").asLong() > newest.path("start-time").asLong())) {
          newest = job;
        }
      }
      return newest == null ? Optional.empty() : Optional.of(newest.path("jid").asText());
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
