package io.bqharpersync.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bqharpersync.tools.LocalHarperCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One of the project's scripts run to its end, as a user runs it: its exit status and output. */
record ScriptRun(int exit, String output) {
  /** Runs {@code script} with {@code args}; fails the test if it does not end within {@code limit}. */
  static ScriptRun of(Duration limit, String script, List<String> args) throws Exception {
    return of(limit, script, args, Map.of());
  }

  /** As {@link #of(Duration, String, List)}, with {@code env} set (a null value unsets it). */
  static ScriptRun of(Duration limit, String script, List<String> args, Map<String, String> env)
      throws Exception {
    List<String> command = new ArrayList<>(List.of(script));
    command.addAll(args);
    Path log = Files.createTempFile("script-run", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put("HARPER_PASSWORD", LocalHarperCluster.password());
    env.forEach((name, value) -> {
      if (value == null) {
        builder.environment().remove(name);
      } else {
        builder.environment().put(name, value);
      }
    });
    Process process = builder.start();
    boolean ended = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    if (!ended) {
      process.destroyForcibly();
    }
    String output = Files.readString(log);
    Files.delete(log);
    assertTrue(ended, script + " did not end within " + limit + ": " + output);
    return new ScriptRun(process.exitValue(), output);
  }
}
