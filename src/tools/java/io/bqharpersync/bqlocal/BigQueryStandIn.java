package io.bqharpersync.bqlocal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A local stand-in for BigQuery, for development and tests only: it serves the REST v2 routes
 * that {@code google-cloud-bigquery} calls, and runs their SQL in an embedded H2 database with
 * BigQuery's functions. Any project id is accepted. It binds a loopback address only.
 *
 * <p>Routes: jobs.query, getQueryResults, jobs.get, jobs.insert (dry runs), tabledata.list,
 * datasets.insert, tables.insert/get, tables.patch/update (new columns only), tabledata.insertAll,
 * and {@code POST /_bqlocal/faults} to inject faults ({@link FaultPlan}). What it does not emulate is listed in the README.
 */
public final class BigQueryStandIn implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String BASE = "/bigquery/v2/projects/([^/]+)";
  /** The name of the threads that answer requests, by which benchmarks tell their CPU apart. */
  public static final String THREAD_NAME = "bq-local";

  private final HttpServer server;
  private final ExecutorService threads;
  private final LocalCatalog catalog;
  private final RestResources resources;
  private final FaultPlan faults = new FaultPlan();
  private volatile long queryLatencyMillis;
  private final List<Route> routes = new ArrayList<>();

  private interface Handler {
    Object handle(Matcher path, Map<String, String> query, JsonNode body) throws Exception;
  }

  private static final class Route {
    final String method;
    final Pattern path;
    final Handler handler;
    final boolean queryCall;

    Route(String method, String path, boolean queryCall, Handler handler) {
      this.method = method;
      this.path = Pattern.compile(path);
      this.handler = handler;
      this.queryCall = queryCall;
    }
  }

  /** Error replies in BigQuery's shape: HTTP status, reason, message. */
  static final class ApiError extends RuntimeException {
    final int status;
    final String reason;

    ApiError(int status, String reason, String message) {
      super(message);
      this.status = status;
      this.reason = reason;
    }
  }

  private BigQueryStandIn(String host, int port) throws IOException, SQLException {
    InetAddress address = InetAddress.getByName(host);
    if (!address.isLoopbackAddress()) {
      throw new IllegalArgumentException("host: the stand-in binds loopback addresses only, got " + host);
    }
    catalog = new LocalCatalog();
    resources = new RestResources(catalog);
    // Without TCP_NODELAY every small reply waits out the client's delayed ACK (about 40 ms).
    System.setProperty("sun.net.httpserver.nodelay", "true");
    server = HttpServer.create(new InetSocketAddress(address, port), 64);
    threads = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, THREAD_NAME);
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(threads);
    server.createContext("/", this::serve);
    defineRoutes();
  }

  /** Starts a stand-in on {@code host:port} (port 0 picks a free one). */
  public static BigQueryStandIn start(String host, int port) throws IOException, SQLException {
    BigQueryStandIn local = new BigQueryStandIn(host, port);
    local.server.start();
    return local;
  }

  /**
   * Runs the stand-in until the process is stopped: {@code --host 127.0.0.1 --port 9050
   * [--page-rows N]}. Development and tests only.
   */
  public static void main(String[] args) throws Exception {
    String host = "127.0.0.1";
    int port = 9050;
    int pageRows = RestResources.DEFAULT_PAGE_ROWS;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--host":
          host = args[i + 1];
          break;
        case "--port":
          port = Integer.parseInt(args[i + 1]);
          break;
        case "--page-rows":
          pageRows = Integer.parseInt(args[i + 1]);
          break;
        default:
          throw new IllegalArgumentException(args[i] + ": unknown option; known: --host, --port, --page-rows");
      }
    }
    BigQueryStandIn local = start(host, port);
    local.pageRows(pageRows);
    System.out.println("BigQuery stand-in (development and tests only) serving " + local.endpoint());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        local.close();
      } catch (SQLException ignored) {
        // The process is ending; the in-memory database goes with it.
      }
    }));
    Thread.currentThread().join();
  }

  public String endpoint() {
    InetSocketAddress address = server.getAddress();
    return "http://" + address.getAddress().getHostAddress() + ":" + address.getPort();
  }

  public FaultPlan faults() {
    return faults;
  }

  /**
   * Every query waits this long before it runs, as a query job on BigQuery takes about a second
   * however few rows it returns; zero (the default) answers at once.
   */
  public void queryLatency(Duration latency) {
    this.queryLatencyMillis = latency.toMillis();
  }

  /** Rows per result page before a pageToken is given, to exercise the client's paging. */
  public void pageRows(int rows) {
    resources.pageRows(rows);
  }

  // --- embedded use, for tests and seeding ---

  public void createTable(String dataset, String table, ArrayNode fields) throws SQLException {
    catalog.createDataset(dataset);
    catalog.createTable(dataset, table, fields);
  }

  public void insert(String dataset, String table, List<JsonNode> rows) throws SQLException {
    catalog.insert(dataset, table, rows);
  }

  private void defineRoutes() {
    routes.add(new Route("POST", BASE + "/queries", true, (p, q, body) -> resources.query(p.group(1), body)));
    routes.add(new Route("GET", BASE + "/queries/([^/]+)", true,
        (p, q, body) -> resources.queryResults(p.group(2), q)));
    routes.add(new Route("GET", BASE + "/jobs/([^/]+)", false, (p, q, body) -> resources.job(p.group(2))));
    routes.add(new Route("POST", BASE + "/jobs", false, (p, q, body) -> resources.insertJob(p.group(1), body)));
    routes.add(new Route("GET", BASE + "/datasets/([^/]+)/tables/([^/]+)/data", false,
        (p, q, body) -> resources.tableData(p.group(2), p.group(3), q)));
    routes.add(new Route("POST", BASE + "/datasets/([^/]+)/tables/([^/]+)/insertAll", false,
        (p, q, body) -> resources.insertAll(p.group(2), p.group(3), body)));
    routes.add(new Route("POST", BASE + "/datasets/([^/]+)/tables", false,
        (p, q, body) -> resources.createTable(p.group(1), p.group(2), body)));
    routes.add(new Route("GET", BASE + "/datasets/([^/]+)/tables/([^/]+)", false,
        (p, q, body) -> resources.table(p.group(1), p.group(2), p.group(3))));
    for (String method : List.of("PATCH", "PUT")) {
      routes.add(new Route(method, BASE + "/datasets/([^/]+)/tables/([^/]+)", false,
          (p, q, body) -> resources.patchTable(p.group(1), p.group(2), p.group(3), body)));
    }
    routes.add(new Route("POST", BASE + "/datasets", false, (p, q, body) -> resources.createDataset(p.group(1), body)));
    routes.add(new Route("POST", "/_bqlocal/faults", false, (p, q, body) -> {
      faults.add(FaultPlan.Fault.valueOf(body.path("fault").asText()), body.path("times").asInt(1));
      if (body.has("stallMillis")) {
        faults.stallMillis(body.path("stallMillis").asLong());
      }
      return MAPPER.createObjectNode().put("pending", faults.pending());
    }));
    routes.add(new Route("POST", "/_bqlocal/latency", false, (p, q, body) -> {
      queryLatency(Duration.ofMillis(body.path("queryMillis").asLong()));
      return MAPPER.createObjectNode().put("queryMillis", queryLatencyMillis);
    }));
  }

  /** The request's method; Java's HTTP clients send PATCH as a POST with an override header. */
  private static String method(HttpExchange exchange) {
    String override = exchange.getRequestHeaders().getFirst("X-HTTP-Method-Override");
    return override == null ? exchange.getRequestMethod() : override.toUpperCase(java.util.Locale.ROOT);
  }

  private void serve(HttpExchange exchange) throws IOException {
    try {
      URI uri = exchange.getRequestURI();
      String path = uri.getRawPath();
      Map<String, String> query = parseQuery(uri.getRawQuery());
      JsonNode body = readBody(exchange);
      for (Route route : routes) {
        Matcher matcher = route.path.matcher(path);
        if (!route.method.equals(method(exchange)) || !matcher.matches()) {
          continue;
        }
        FaultPlan.Fault fault = path.startsWith("/_bqlocal") ? null : faults.next();
        if (fault == FaultPlan.Fault.RATE_LIMITED) {
          throw new ApiError(429, "rateLimitExceeded", "Exceeded rate limits (injected)");
        }
        if (fault == FaultPlan.Fault.BACKEND_ERROR) {
          throw new ApiError(500, "backendError", "Backend error (injected)");
        }
        if (fault == FaultPlan.Fault.STALL) {
          Thread.sleep(faults.stallMillis());
        }
        if (route.queryCall && route.method.equals("POST") && queryLatencyMillis > 0) {
          Thread.sleep(queryLatencyMillis);
        }
        Object reply = fault == FaultPlan.Fault.INCOMPLETE && route.queryCall
            ? resources.incomplete(matcher, body)
            : route.handler.handle(matcher, query, body);
        send(exchange, 200, MAPPER.writeValueAsBytes(reply));
        return;
      }
      throw new ApiError(404, "notFound", "No route for " + exchange.getRequestMethod() + " " + path);
    } catch (ApiError e) {
      sendError(exchange, e.status, e.reason, e.getMessage());
    } catch (LocalCatalog.NotFound e) {
      sendError(exchange, 404, "notFound", e.getMessage());
    } catch (SQLException | IllegalArgumentException | ArithmeticException e) {
      sendError(exchange, 400, "invalidQuery", rootMessage(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      sendError(exchange, 500, "backendError", "interrupted");
    } catch (Exception | Error e) {
      System.err.println("bq-local: " + exchange.getRequestMethod() + " " + exchange.getRequestURI()
          + " failed: " + e);
      e.printStackTrace();
      sendError(exchange, 500, "internalError", String.valueOf(e));
    } finally {
      exchange.close();
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root.getMessage() + ")";
  }

  // --- HTTP plumbing ---

  private static Map<String, String> parseQuery(String raw) {
    Map<String, String> values = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return values;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      values.put(name, value);
    }
    return values;
  }

  private static JsonNode readBody(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
      in = new GZIPInputStream(in);
    }
    byte[] bytes = in.readAllBytes();
    return bytes.length == 0 ? MAPPER.createObjectNode() : MAPPER.readTree(bytes);
  }

  private static void sendError(HttpExchange exchange, int status, String reason, String message)
      throws IOException {
    ObjectNode error = MAPPER.createObjectNode();
    ObjectNode inner = error.putObject("error");
    inner.put("code", status);
    inner.put("message", message);
    inner.putArray("errors").addObject().put("reason", reason).put("message", message)
        .put("domain", "global");
    inner.put("status", status == 429 ? "RESOURCE_EXHAUSTED" : status == 404 ? "NOT_FOUND"
        : status >= 500 ? "INTERNAL" : "INVALID_ARGUMENT");
    send(exchange, status, MAPPER.writeValueAsBytes(error));
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    } catch (IOException clientGone) {
      // A client that timed out (a stalled reply) has closed its end; nothing to tell it.
    }
  }

  @Override
  public void close() throws SQLException {
    server.stop(0);
    threads.shutdownNow();
    catalog.close();
  }
}
