package io.bqharpersync.harper;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where the Harper nodes are and how to log in: the one value object that carries endpoints and
 * credentials, in the manner of {@code JdbcIO.DataSourceConfiguration}.
 *
 * <p>Node order matters: a record's node slot is an index into {@link #nodes()}, so every worker
 * must see the same list. Immutable; every {@code withX} returns a copy.
 *
 * <p>The password is never part of {@link #toString()}, of error messages or of logs.
 */
public final class HarperConnection implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final int DEFAULT_REST_PORT = 9926;

  private final List<String> nodes;
  private final String username;
  private final HarperPassword password;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final String trustStorePath;
  private final String trustStorePassword;
  /** The port of the nodes' HTTP (REST) server, where the component's resources are served. */
  private final int restPort;

  private HarperConnection(
      List<String> nodes,
      String username,
      HarperPassword password,
      Duration connectTimeout,
      Duration requestTimeout,
      String trustStorePath,
      String trustStorePassword,
      int restPort) {
    this.nodes = nodes;
    this.username = username;
    this.password = password;
    this.connectTimeout = connectTimeout;
    this.requestTimeout = requestTimeout;
    this.trustStorePath = trustStorePath;
    this.trustStorePassword = trustStorePassword;
    this.restPort = restPort;
  }

  /**
   * Operations-API base URLs, for example {@code http://127.0.0.1:9925}, in node-slot order.
   */
  public static HarperConnection of(List<String> nodeUrls, String username, String password) {
    return of(nodeUrls, username, HarperPassword.of(password));
  }

  /** As {@link #of(List, String, String)}, the password given or read from Secret Manager. */
  public static HarperConnection of(List<String> nodeUrls, String username,
      HarperPassword password) {
    requireNonNull(nodeUrls, "nodes");
    if (nodeUrls.isEmpty()) {
      throw new IllegalArgumentException("nodes: at least one Harper node URL is required");
    }
    for (String url : nodeUrls) {
      validateUrl(url);
    }
    if (username == null || username.isBlank()) {
      throw new IllegalArgumentException("username: a Harper user name is required");
    }
    requireNonNull(password, "password");
    return new HarperConnection(
        List.copyOf(nodeUrls),
        username,
        password,
        Duration.ofSeconds(5),
        Duration.ofSeconds(60),
        null,
        null,
        DEFAULT_REST_PORT);
  }

  /** Whether {@code url} can be a node's operations API: http(s) with a host. */
  public static boolean isNodeUrl(String url) {
    try {
      URI uri = URI.create(url);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null;
    } catch (IllegalArgumentException | NullPointerException e) {
      return false;
    }
  }

  private static void validateUrl(String url) {
    if (!isNodeUrl(url)) {
      throw new IllegalArgumentException(
          "nodes: expected http(s)://host:port for a Harper operations API, got '" + url + "'");
    }
  }

  public HarperConnection withConnectTimeout(Duration timeout) {
    return new HarperConnection(
        nodes, username, password, positive("connectTimeout", timeout), requestTimeout,
        trustStorePath, trustStorePassword, restPort);
  }

  /** Bounds a whole request, including reading the reply; a batch upsert of 10k rows fits in it. */
  public HarperConnection withRequestTimeout(Duration timeout) {
    return new HarperConnection(
        nodes, username, password, connectTimeout, positive("requestTimeout", timeout),
        trustStorePath, trustStorePassword, restPort);
  }

  /**
   * The port of the nodes' HTTP server, where {@code POST /SyncUpsert} is served (Harper's
   * default: 9926); 0 for nodes that serve it on their operations API port.
   */
  public HarperConnection withRestPort(int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("restPort: must be within 0..65535, got " + port);
    }
    return new HarperConnection(
        nodes, username, password, connectTimeout, requestTimeout, trustStorePath,
        trustStorePassword, port);
  }

  /** For https nodes whose certificate is signed by a private CA: a PKCS12 or JKS trust store. */
  public HarperConnection withTrustStore(String path, String storePassword) {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("trustStorePath: must not be empty");
    }
    return new HarperConnection(
        nodes, username, password, connectTimeout, requestTimeout, path, storePassword, restPort);
  }

  /** The same credentials and settings for another node list, such as one found by discovery. */
  public HarperConnection withNodes(List<String> nodeUrls) {
    HarperConnection fresh = of(nodeUrls, username, password);
    return new HarperConnection(
        fresh.nodes, username, password, connectTimeout, requestTimeout, trustStorePath,
        trustStorePassword, restPort);
  }

  private static Duration positive(String name, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + ": must be a positive duration, got " + value);
    }
    return value;
  }

  public List<String> nodes() {
    return nodes;
  }

  public int nodeCount() {
    return nodes.size();
  }

  public String node(int slot) {
    if (slot < 0 || slot >= nodes.size()) {
      throw new IllegalArgumentException(
          "node slot " + slot + " is outside 0.." + (nodes.size() - 1));
    }
    return nodes.get(slot);
  }

  /** The base URL of node {@code slot}'s HTTP server: its address with the REST port. */
  public String restNode(int slot) {
    URI uri = URI.create(node(slot));
    int port = restPort == 0 ? uri.getPort() : restPort;
    return uri.getScheme() + "://" + uri.getHost() + (port < 0 ? "" : ":" + port);
  }

  public String username() {
    return username;
  }

  /** The password; one read from Secret Manager is read here, on first use in this JVM. */
  String password() {
    return password.value();
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  public String trustStorePath() {
    return trustStorePath;
  }

  String trustStorePassword() {
    return trustStorePassword;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof HarperConnection)) {
      return false;
    }
    HarperConnection that = (HarperConnection) o;
    return nodes.equals(that.nodes)
        && username.equals(that.username)
        && password.equals(that.password)
        && connectTimeout.equals(that.connectTimeout)
        && requestTimeout.equals(that.requestTimeout)
        && Objects.equals(trustStorePath, that.trustStorePath)
        && Objects.equals(trustStorePassword, that.trustStorePassword)
        && restPort == that.restPort;
  }

  @Override
  public int hashCode() {
    return Objects.hash(nodes, username, connectTimeout, requestTimeout, trustStorePath);
  }

  @Override
  public String toString() {
    return "HarperConnection{nodes="
        + nodes
        + ", username="
        + username
        + ", password=****"
        + ", connectTimeout="
        + connectTimeout
        + ", requestTimeout="
        + requestTimeout
        + ", restPort="
        + restPort
        + (trustStorePath == null ? "" : ", trustStore=" + trustStorePath)
        + "}";
  }
}
