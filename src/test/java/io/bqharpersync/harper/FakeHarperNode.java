package io.bqharpersync.harper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An operations-API stand-in for tests that need no cluster: answers upserts like Harper (a
 * record with {@code "reading"} that is not a number rejects the whole request with 400) and
 * {@code search_by_id}, or scripted statuses. It does not replicate. Integration tests use real
 * Harper nodes instead.
 */
public final class FakeHarperNode implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  final Map<String, Map<String, JsonNode>> tables = new LinkedHashMap<>();
  final List<String> authorizations = new ArrayList<>();
  final AtomicInteger requests = new AtomicInteger();
  private final Deque<Integer> scriptedStatuses = new ArrayDeque<>();
  private final HttpServer server;

  public FakeHarperNode() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private final Map<String, String> refusedValues = new LinkedHashMap<>();
  private int maxRecordsPerRequest = Integer.MAX_VALUE;

  /** From now on a write of more than {@code records} records is refused with 413, too large. */
  public synchronized void limitRequestsTo(int records) {
    maxRecordsPerRequest = records;
  }

  /**
   * From now on an upsert holding a record whose {@code field} is {@code value} is refused whole
   * with a 400 naming the field, as Harper refuses a value of the wrong type.
   */
  public synchronized void refuse(String field, String value) {
    refusedValues.put(field, value);
  }

  private boolean unavailable;

  /** While set, every call is answered 503, as by a node that is down behind a proxy. */
  public synchronized void unavailable(boolean down) {
    unavailable = down;
  }

  /** The next calls answer these statuses, in order, before normal service resumes. */
  synchronized void failNext(int... statuses) {
    for (int status : statuses) {
      scriptedStatuses.add(status);
    }
  }

  public synchronized Map<String, JsonNode> table(String name) {
    return tables.computeIfAbsent(name, n -> new LinkedHashMap<>());
  }

  private synchronized void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
    JsonNode body = MAPPER.readTree(exchange.getRequestBody());
    if (unavailable) {
      reply(exchange, 503, "{\"error\":\"unavailable\"}");
      return;
    }
    if (!scriptedStatuses.isEmpty()) {
      int status = scriptedStatuses.poll();
      reply(exchange, status, "{\"error\":\"scripted " + status + "\"}");
      return;
    }
    boolean conditional = exchange.getRequestURI().getPath().equals("/SyncUpsert");
    String operation = conditional ? "upsert" : body.path("operation").asText();
    if (operation.equals("search_by_id")) {
      List<JsonNode> found = new ArrayList<>();
      for (JsonNode id : body.path("ids")) {
        JsonNode row = table(body.path("table").asText()).get(id.asText());
        if (row != null) {
          found.add(row);
        }
      }
      reply(exchange, 200, MAPPER.writeValueAsString(found));
      return;
    }
    if (operation.equals("search_by_conditions")) {
      // Keyset paging by primary key, as HarperClient.pageAfter asks for it.
      JsonNode after = body.path("conditions").path(0).path("search_value");
      List<JsonNode> page = table(body.path("table").asText()).entrySet().stream()
          .filter(row -> after.isBoolean() || row.getKey().compareTo(after.asText()) > 0)
          .sorted(Map.Entry.comparingByKey()).limit(body.path("limit").asInt(1000))
          .map(Map.Entry::getValue).collect(java.util.stream.Collectors.toList());
      reply(exchange, 200, MAPPER.writeValueAsString(page));
      return;
    }
    if (!operation.equals("upsert")) {
      reply(exchange, 400, "{\"error\":\"unsupported operation " + operation + "\"}");
      return;
    }
    String tableName = body.path("table").asText();
    if (tableName.equals("Missing")) {
      reply(exchange, 400, "{\"error\":\"Table 'data.Missing' does not exist\"}");
      return;
    }
    if (body.path("records").size() > maxRecordsPerRequest) {
      reply(exchange, 413, "{\"error\":\"request entity too large\"}");
      return;
    }
    for (JsonNode record : body.path("records")) {
      for (Map.Entry<String, String> refused : refusedValues.entrySet()) {
        if (record.path(refused.getKey()).asText().equals(refused.getValue())) {
          reply(exchange, 400, MAPPER.createObjectNode().put("error", "Value \"" + refused.getValue()
              + "\" in property " + refused.getKey() + " is refused").toString());
          return;
        }
      }
      JsonNode reading = record.path("reading");
      if (!reading.isMissingNode() && !reading.isNumber()) {
        reply(exchange, 400, MAPPER.createObjectNode()
            .put("error", "Value " + reading + " in property reading must be a number").toString());
        return;
      }
    }
    List<String> ids = new ArrayList<>();
    List<String> requestIds = new ArrayList<>();
    body.path("records").forEach(record -> requestIds.add(record.path("id").asText()));
    upsertRequests.add(requestIds);
    int skipped = 0;
    for (JsonNode record : body.path("records")) {
      JsonNode stored = table(tableName).get(record.path("id").asText());
      if (conditional && stored != null && stored.has("syncVersion") && record.has("syncVersion")
          && stored.path("syncVersion").asText().compareTo(record.path("syncVersion").asText()) >= 0) {
        skipped++;
        continue;
      }
      table(tableName).put(record.path("id").asText(), record);
      ids.add(MAPPER.writeValueAsString(record.path("id").asText()));
    }
    reply(exchange, 200, conditional
        ? "{\"written\":" + ids.size() + ",\"skipped\":" + skipped + "}"
        : "{\"message\":\"upserted\",\"upserted_hashes\":[" + String.join(",", ids) + "]}");
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The ids of each upsert request received, in order. */
  public final List<List<String>> upsertRequests = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Override
  public void close() {
    server.stop(0);
  }
}
