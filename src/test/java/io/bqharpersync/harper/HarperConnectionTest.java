package io.bqharpersync.harper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.apache.beam.sdk.util.SerializableUtils;
import org.junit.jupiter.api.Test;

class HarperConnectionTest {
  private static final String SECRET = "s3cr3t-Pa55";

  @Test
  void toStringNeverShowsThePassword() {
    HarperConnection connection =
        HarperConnection.of(List.of("http://127.0.0.1:9925"), "admin", SECRET)
            .withTrustStore("/tmp/store.p12", SECRET);
    assertFalse(connection.toString().contains(SECRET), connection.toString());
    assertTrue(connection.toString().contains("127.0.0.1:9925"));
    HarperConnection plain = HarperConnection.of(List.of("http://127.0.0.1:9925"), "admin", SECRET);
    assertFalse(new HarperClient(plain).toString().contains(SECRET));
  }

  @Test
  void unreadableTrustStoreNamesTheOptionNotItsPassword() {
    HarperConnection connection =
        HarperConnection.of(List.of("https://127.0.0.1:9925"), "admin", SECRET)
            .withTrustStore("/nonexistent/store.p12", SECRET);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new HarperClient(connection));
    assertTrue(e.getMessage().startsWith("trustStorePath:"), e.getMessage());
    assertFalse(e.getMessage().contains(SECRET));
  }

  @Test
  void survivesJavaSerializationForWorkers() {
    HarperConnection connection =
        HarperConnection.of(List.of("http://127.0.0.1:9925", "http://127.0.0.2:9925"), "u", SECRET)
            .withRequestTimeout(Duration.ofSeconds(9));
    assertEquals(connection, SerializableUtils.clone(connection));
  }

  @Test
  void badSettingsNameTheOption() {
    assertThrows(IllegalArgumentException.class,
        () -> HarperConnection.of(List.of(), "u", "p"), "nodes");
    IllegalArgumentException url = assertThrows(IllegalArgumentException.class,
        () -> HarperConnection.of(List.of("127.0.0.1:9925"), "u", "p"));
    assertTrue(url.getMessage().startsWith("nodes:"), url.getMessage());
    IllegalArgumentException user = assertThrows(IllegalArgumentException.class,
        () -> HarperConnection.of(List.of("http://h:1"), " ", "p"));
    assertTrue(user.getMessage().startsWith("username:"), user.getMessage());
    IllegalArgumentException password = assertThrows(IllegalArgumentException.class,
        () -> HarperConnection.of(List.of("http://h:1"), "u", ""));
    assertTrue(password.getMessage().startsWith("password:"), password.getMessage());
    IllegalArgumentException timeout = assertThrows(IllegalArgumentException.class,
        () -> HarperConnection.of(List.of("http://h:1"), "u", "p").withConnectTimeout(Duration.ZERO));
    assertTrue(timeout.getMessage().startsWith("connectTimeout:"), timeout.getMessage());
    IllegalArgumentException slot = assertThrows(IllegalArgumentException.class,
        () -> HarperConnection.of(List.of("http://h:1"), "u", "p").node(1));
    assertTrue(slot.getMessage().contains("slot 1"), slot.getMessage());
  }
}
