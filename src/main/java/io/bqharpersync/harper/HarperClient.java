package io.bqharpersync.harper;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.Credentials;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Calls the operations API of the nodes of one {@link HarperConnection}. One call, one attempt:
 * retrying is the caller's decision, made on the type of {@link HarperException} thrown.
 *
 * <p>Thread-safe; share one per DoFn instance and close it in {@code @Teardown}.
 */
public final class HarperClient implements AutoCloseable {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final HarperConnection connection;
  private final OkHttpClient http;
  /** For whole-table reads: no limit on the call, only on each wait for more of the answer. */
  private final OkHttpClient streamingHttp;
  private final String authorization;

  public HarperClient(HarperConnection connection) {
    this.connection = connection;
    this.authorization = Credentials.basic(connection.username(), connection.password());
    OkHttpClient.Builder builder =
        new OkHttpClient.Builder()
            .connectTimeout(connection.connectTimeout())
            .readTimeout(connection.requestTimeout())
            .writeTimeout(connection.requestTimeout())
            .callTimeout(connection.requestTimeout().plus(connection.connectTimeout()))
            // Retrying is the caller's, with backoff; a silent resend would double it.
            .retryOnConnectionFailure(false);
    if (connection.trustStorePath() != null) {
      X509TrustManager trustManager = trustManager(connection);
      builder.sslSocketFactory(sslContext(trustManager).getSocketFactory(), trustManager);
    }
    this.http = builder.build();
    this.streamingHttp = http.newBuilder().callTimeout(Duration.ZERO).build();
  }

  public HarperConnection connection() {
    return connection;
  }

  /**
   * Inserts or replaces records by primary key on the node of {@code slot}.
   *
   * @param jsonRecords each element one JSON object, already serialized; they are joined as they
   *     are, which spares a parse and re-serialization per record
   * @return how many records Harper reports as upserted
   */
  public int upsert(int slot, String database, String table, List<String> jsonRecords) {
    String body = recordsBody("{\"operation\":\"upsert\",", database, table, jsonRecords);
    JsonNode reply = post(slot, "upsert", body);
    JsonNode hashes = reply.path("upserted_hashes");
    int upserted = hashes.isArray() ? hashes.size() : 0;
    if (upserted != jsonRecords.size()) {
      throw new HarperException.Retriable(
          "upsert on node "
              + slot
              + " reported "
              + upserted
              + " of "
              + jsonRecords.size()
              + " records: "
              + reply,
          200,
          null);
    }
    return upserted;
  }

  /** What a conditional upsert did with its records. */
  public record ConditionalOutcome(int written, int skipped) {}

  /**
   * Writes each record unless the node already holds a newer row of its key (see {@code
   * SyncVersion}): {@code POST /SyncUpsert} of the project's Harper component, on the node's HTTP
   * port. The comparison and the write are one transaction on the node.
   */
  public ConditionalOutcome conditionalUpsert(int slot, String database, String table,
      List<String> jsonRecords) {
    String body = recordsBody("{", database, table, jsonRecords);
    JsonNode reply =
        post(slot, connection.restNode(slot) + "/SyncUpsert", "SyncUpsert", body);
    ConditionalOutcome outcome = new ConditionalOutcome(
        reply.path("written").asInt(-1), reply.path("skipped").asInt(-1));
    if (outcome.written() < 0 || outcome.written() + outcome.skipped() != jsonRecords.size()) {
      throw new HarperException.Retriable("SyncUpsert on node " + slot + " accounted for "
          + reply + " of " + jsonRecords.size() + " records", 200, null);
    }
    return outcome;
  }

  /** {@code start} then database, table and the records, joined as they are. */
  private static String recordsBody(String start, String database, String table,
      List<String> jsonRecords) {
    StringBuilder body = new StringBuilder(64 + jsonRecords.size() * 256);
    body.append(start).append("\"database\":").append(quote(database))
        .append(",\"table\":").append(quote(table)).append(",\"records\":[");
    for (int i = 0; i < jsonRecords.size(); i++) {
      if (i > 0) {
        body.append(',');
      }
      body.append(jsonRecords.get(i));
    }
    return body.append("]}").toString();
  }

  public List<JsonNode> searchById(int slot, String database, String table, Collection<String> ids) {
    ObjectNode body = operation("search_by_id", database, table);
    ArrayNode idArray = body.putArray("ids");
    ids.forEach(idArray::add);
    body.putArray("get_attributes").add("*");
    List<JsonNode> rows = new ArrayList<>();
    post(slot, "search_by_id", body.toString()).forEach(rows::add);
    return rows;
  }

  public Optional<JsonNode> getById(int slot, String database, String table, String id) {
    List<JsonNode> rows = searchById(slot, database, table, List.of(id));
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  /**
   * Reads every record of a table whose primary key starts with {@code keyPrefix} ("" for all), in
   * key order, a page at a time. Pages are keyed by the last id seen, not by offset, so each page
   * costs the same on a table of any size.
   *
   * @return the number of records read
   */
  public long scan(
      int slot, String database, String table, String primaryKey, String keyPrefix, int pageSize,
      Consumer<JsonNode> each) {
    long count = 0;
    String after = keyPrefix;
    while (true) {
      List<JsonNode> page = pageAfter(slot, database, table, primaryKey, after, pageSize);
      for (JsonNode row : page) {
        String id = row.path(primaryKey).asText();
        if (!id.startsWith(keyPrefix)) {
          return count;
        }
        each.accept(row);
        after = id;
        count++;
      }
      if (page.size() < pageSize) {
        return count;
      }
    }
  }

  /**
   * Reads {@code attributes} of every record whose primary key starts with {@code keyPrefix} ("" for
   * all) in one {@code search_by_value} request, parsing the answer as it arrives, so a table of
   * any size is read with one record in memory at a time.
   *
   * @return the number of records read
   */
  public long forEachRecord(int slot, String database, String table, String primaryKey,
      String keyPrefix, List<String> attributes, Consumer<JsonNode> each) {
    ObjectNode body = operation("search_by_value", database, table);
    body.put("search_attribute", primaryKey);
    body.put("search_value", keyPrefix + "*");
    attributes.forEach(body.putArray("get_attributes")::add);
    String url = connection.node(slot);
    String where = "search_by_value on node " + slot + " (" + url + ")";
    Request request = new Request.Builder().url(url).header("Authorization", authorization)
        .post(RequestBody.create(body.toString(), JSON)).build();
    try (Response response = streamingHttp.newCall(request).execute()) {
      ResponseBody responseBody = response.body();
      if (response.code() < 200 || response.code() >= 300 || responseBody == null) {
        throw failure(where, response.code(), responseBody == null ? "" : responseBody.string());
      }
      long count = 0;
      try (JsonParser parser = MAPPER.getFactory().createParser(responseBody.byteStream())) {
        if (parser.nextToken() != JsonToken.START_ARRAY) {
          throw new HarperException.Permanent(where + " answered something other than a list",
              response.code(), "not a list");
        }
        while (parser.nextToken() == JsonToken.START_OBJECT) {
          each.accept(parser.readValueAsTree());
          count++;
        }
      }
      return count;
    } catch (IOException e) {
      throw new HarperException.Retriable(where + " failed: " + e, 0, e);
    }
  }

  /**
   * Up to {@code limit} records whose primary key is greater than {@code after} ("" for the first
   * records of the table), in key order.
   */
  public List<JsonNode> pageAfter(
      int slot, String database, String table, String primaryKey, String after, int limit) {
    ObjectNode body = operation("search_by_conditions", database, table);
    ObjectNode condition = body.putArray("conditions").addObject();
    condition.put("search_attribute", primaryKey);
    condition.put("search_type", "greater_than");
    if (after.isEmpty()) {
      // Harper treats "" as null, which a key index does not hold; false sorts before every
      // number and string key, so "> false" starts at the first record.
      condition.put("search_value", false);
    } else {
      condition.put("search_value", after);
    }
    body.putObject("sort").put("attribute", primaryKey);
    body.put("limit", limit);
    body.putArray("get_attributes").add("*");
    List<JsonNode> rows = new ArrayList<>(limit);
    post(slot, "search_by_conditions", body.toString()).forEach(rows::add);
    return rows;
  }

  /** Names of the nodes this node replicates with, as cluster_status reports them. */
  public List<String> clusterPeers(int slot) {
    JsonNode status = post(slot, "cluster_status", "{\"operation\":\"cluster_status\"}");
    List<String> peers = new ArrayList<>();
    for (JsonNode connection : status.path("connections")) {
      peers.add(connection.path("url").asText(connection.path("name").asText()));
    }
    return peers;
  }

  /** Any other operation, for tooling; {@code body} is the whole operation object. */
  public JsonNode operation(int slot, ObjectNode body) {
    return post(slot, body.path("operation").asText("operation"), body.toString());
  }

  public static ObjectNode operation(String name, String database, String table) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("operation", name);
    body.put("database", database);
    body.put("table", table);
    return body;
  }

  private JsonNode post(int slot, String operationName, String body) {
    return post(slot, connection.node(slot), operationName, body);
  }

  private JsonNode post(int slot, String url, String operationName, String body) {
    Request request =
        new Request.Builder()
            .url(url)
            .header("Authorization", authorization)
            .post(RequestBody.create(body, JSON))
            .build();
    String where = operationName + " on node " + slot + " (" + url + ")";
    try (Response response = http.newCall(request).execute()) {
      ResponseBody responseBody = response.body();
      String text = responseBody == null ? "" : responseBody.string();
      int status = response.code();
      if (status >= 200 && status < 300) {
        return MAPPER.readTree(text);
      }
      throw failure(where, status, text);
    } catch (IOException e) {
      throw new HarperException.Retriable(where + " failed: " + e, 0, e);
    }
  }

  /** The exception for an answer that is not a success: retriable for 429 and 5xx. */
  private static HarperException failure(String where, int status, String text) {
    String reason = harperReason(text);
    if (status == 429 || status >= 500) {
      return new HarperException.Retriable(
          where + " failed with HTTP " + status + ": " + reason, status, null);
    }
    return new HarperException.Permanent(
        where + " refused with HTTP " + status + ": " + reason, status, reason);
  }

  private static String harperReason(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node.isTextual()) {
        // A component's resource answers an error as a JSON string: "ClientError: <message>".
        return node.asText().replaceFirst("^[A-Za-z]*Error: ", "");
      }
      if (node.hasNonNull("error")) {
        return node.get("error").asText();
      }
      if (node.hasNonNull("message")) {
        return node.get("message").asText();
      }
    } catch (IOException ignored) {
      // Not JSON: the raw text is the best reason there is.
    }
    return text.length() > 500 ? text.substring(0, 500) + "…" : text;
  }

  private static String quote(String value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509TrustManager trustManager(HarperConnection connection) {
    String path = connection.trustStorePath();
    String password = connection.trustStorePassword();
    try (InputStream in = new FileInputStream(path)) {
      KeyStore store = KeyStore.getInstance(path.endsWith(".jks") ? "JKS" : "PKCS12");
      store.load(in, password == null ? null : password.toCharArray());
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return (X509TrustManager) factory.getTrustManagers()[0];
    } catch (IOException | GeneralSecurityException e) {
      // The store password is not in e's message; the path is safe to name.
      throw new IllegalArgumentException("trustStorePath: cannot load trust store " + path + ": "
          + e.getClass().getSimpleName(), e);
    }
  }

  private static SSLContext sslContext(X509TrustManager trustManager) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new X509TrustManager[] {trustManager}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS is not available", e);
    }
  }

  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Override
  public String toString() {
    return "HarperClient{" + connection + "}";
  }
}
