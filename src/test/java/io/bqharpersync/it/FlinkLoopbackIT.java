package io.bqharpersync.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * While the Flink session cluster of {@code scripts/flink-cluster} runs, none of its processes
 * listens outside 127.0.0.0/8. Read from {@code /proc}: each process's socket inodes, and the
 * kernel's table of listening TCP sockets.
 */
class FlinkLoopbackIT {
  @Test
  void everyListenerOfTheFlinkClusterIsOnLoopback() throws IOException {
    List<String> pids = new ArrayList<>();
    for (String process : List.of("jobmanager", "taskmanager")) {
      Path pidFile = Path.of(".flink", process + ".pid");
      assertTrue(Files.exists(pidFile), "scripts/flink-cluster start has not run: no " + pidFile);
      pids.add(Files.readString(pidFile).trim());
    }
    Set<String> inodes = new HashSet<>();
    for (String pid : pids) {
      try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", pid, "fd"))) {
        for (Path fd : fds) {
          try {
            String target = Files.readSymbolicLink(fd).toString();
            if (target.startsWith("socket:[")) {
              inodes.add(target.substring(8, target.length() - 1));
            }
          } catch (IOException closedMeanwhile) {
            // A descriptor closed while listed is not a listener.
          }
        }
      }
    }
    List<String> listeners = new ArrayList<>();
    List<String> outside = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines = Files.readAllLines(Path.of(table));
      for (String line : lines.subList(1, lines.size())) {
        String[] fields = line.trim().split("\\s+");
        // fields: sl, local_address, rem_address, st, ..., inode (index 9); 0A is LISTEN.
        if (fields[3].equals("0A") && inodes.contains(fields[9])) {
          String local = fields[1];
          listeners.add(local);
          if (!isLoopback(local.substring(0, local.indexOf(':')))) {
            outside.add(table + " " + local);
          }
        }
      }
    }
    assertFalse(listeners.isEmpty(), "the cluster's processes listen on something");
    assertTrue(outside.isEmpty(), "listeners outside 127.0.0.0/8: " + outside);
  }

  /** A /proc/net address in hex: IPv4 little-endian, or IPv6 as four little-endian words. */
  static boolean isLoopback(String hex) {
    if (hex.length() == 8) {
      return hex.endsWith("7F");
    }
    // ::ffff:127.x.x.x is 0000000000000000FFFF0000 then the IPv4 word; ::1 is 0...0 01000000.
    return (hex.startsWith("0000000000000000FFFF0000") && hex.endsWith("7F"))
        || hex.equals("00000000000000000000000001000000");
  }
}
