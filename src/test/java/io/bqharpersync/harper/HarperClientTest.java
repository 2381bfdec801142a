package io.bqharpersync.harper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import io.bqharpersync.retry.RetriesExhaustedException;
import io.bqharpersync.retry.RetryPolicy;
import okhttp3.Credentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HarperClientTest {
  private static final String SECRET = "do-not-print-me";
  private FakeHarperNode node;
  private HarperClient client;

  @BeforeEach
  void start() throws Exception {
    node = new FakeHarperNode();
    client = new HarperClient(HarperConnection.of(List.of(node.url()), "sync", SECRET));
  }

  @AfterEach
  void stop() {
    client.close();
    node.close();
  }

  @Test
  void upsertSendsRawRecordsWithBasicAuth() {
    int upserted = client.upsert(0, "data", "T", List.of("{\"id\":\"a\",\"v\":{\"n\":1}}", "{\"id\":\"b\"}"));
    assertEquals(2, upserted);
    assertEquals(1, node.table("T").get("a").path("v").path("n").asInt());
    assertEquals(Credentials.basic("sync", SECRET), node.authorizations.get(0));
  }

  @Test
  void throttlingAndServerErrorsAreRetriable() {
    for (int status : new int[] {429, 500, 503}) {
      node.failNext(status);
      HarperException.Retriable e = assertThrows(HarperException.Retriable.class,
          () -> client.upsert(0, "data", "T", List.of("{\"id\":\"a\"}")));
      assertEquals(status, e.statusCode());
      assertTrue(e.getMessage().contains("scripted " + status), e.getMessage());
      assertFalse(e.getMessage().contains(SECRET));
    }
  }

  @Test
  void badInputIsPermanentWithHarpersReason() {
    HarperException.Permanent e = assertThrows(HarperException.Permanent.class,
        () -> client.upsert(0, "data", "T", List.of("{\"id\":\"a\",\"reading\":\"x\"}")));
    assertEquals(400, e.statusCode());
    assertEquals("Value \"x\" in property reading must be a number", e.harperMessage());
    assertTrue(e.isBadInput());
  }

  @Test
  void missingTableAndLoginFailuresAreNotBadInput() {
    HarperException.Permanent missing = assertThrows(HarperException.Permanent.class,
        () -> client.upsert(0, "data", "Missing", List.of("{\"id\":\"a\"}")));
    assertFalse(missing.isBadInput());
    node.failNext(401);
    HarperException.Permanent login = assertThrows(HarperException.Permanent.class,
        () -> client.upsert(0, "data", "T", List.of("{\"id\":\"a\"}")));
    assertEquals(401, login.statusCode());
    assertFalse(login.getMessage().contains(SECRET));
  }

  @Test
  void unreachableNodeIsRetriableAndNamesTheNodeNotTheSecret() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      closedPort = socket.getLocalPort();
    }
    HarperClient unreachable = new HarperClient(
        HarperConnection.of(List.of("http://127.0.0.1:" + closedPort), "sync", SECRET)
            .withConnectTimeout(Duration.ofMillis(500)));
    HarperException.Retriable e = assertThrows(HarperException.Retriable.class,
        () -> unreachable.upsert(0, "data", "T", List.of("{\"id\":\"a\"}")));
    assertEquals(0, e.statusCode());
    assertTrue(e.getMessage().contains("127.0.0.1:" + closedPort), e.getMessage());
    assertFalse(e.getMessage().contains(SECRET));
    unreachable.close();
  }

  @Test
  void retryPolicyRidesOutTransientFailuresAndGivesUpWhenSpent() {
    node.failNext(503, 429, 500);
    int[] retries = {0};
    RetryPolicy policy = RetryPolicy.of(5, Duration.ofMillis(5), Duration.ofSeconds(5));
    int upserted = policy.run(() -> client.upsert(0, "data", "T", List.of("{\"id\":\"r\"}")),
        HarperException::isRetriable, () -> retries[0]++);
    assertEquals(1, upserted);
    assertEquals(3, retries[0]);

    node.failNext(503, 503, 503);
    RetryPolicy twoRetries = RetryPolicy.of(2, Duration.ofMillis(5), Duration.ofSeconds(5));
    RetriesExhaustedException gaveUp = assertThrows(RetriesExhaustedException.class,
        () -> twoRetries.run(() -> client.upsert(0, "data", "T", List.of("{\"id\":\"r\"}")),
            HarperException::isRetriable, () -> {}));
    assertTrue(gaveUp.getMessage().startsWith("gave up after 3 attempts"), gaveUp.getMessage());
    assertTrue(gaveUp.getCause() instanceof HarperException.Retriable);
  }

  @Test
  void permanentErrorsAreNotRetried() {
    int before = node.requests.get();
    assertThrows(HarperException.Permanent.class,
        () -> RetryPolicy.defaults().run(
            () -> client.upsert(0, "data", "T", List.of("{\"id\":\"a\",\"reading\":true}")),
            HarperException::isRetriable, () -> {}));
    assertEquals(before + 1, node.requests.get());
  }
}
