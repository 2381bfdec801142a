package io.bqharpersync.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreflightTest {
  @TempDir Path dir;

  @Test
  void aServerThatIsNotHarperIsNamedAsSuchNotAsAMissingTable() throws Exception {
    // Some other web server at the node's address: 404, empty body.
    HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    other.createContext("/", exchange -> {
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
    });
    other.start();
    try {
      Path password = dir.resolve("password");
      Files.writeString(password, "pw");
      String node = "http://127.0.0.1:" + other.getAddress().getPort();
      SyncOptions options = PipelineOptionsFactory.fromArgs(
          "--sourceTable=my-project.telemetry.readings", "--harperNodes=" + node,
          "--harperPasswordFile=" + password).as(SyncOptions.class);
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
          () -> Preflight.check(SyncConfig.from(options)));
      assertEquals("--harperNodes: node " + node + " answered HTTP 404 with no Harper error "
          + "message: is it a Harper operations API (port 9925 by default)?", refused.getMessage());
    } finally {
      other.stop(0);
    }
  }
}
