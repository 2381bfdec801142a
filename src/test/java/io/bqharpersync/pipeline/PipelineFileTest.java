package io.bqharpersync.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineFileTest {
  @TempDir Path dir;

  @Test
  void commandLineBeatsRunnerConfigBeatsPipelineFile() throws Exception {
    Path pipeline = dir.resolve("p.yaml");
    Files.writeString(pipeline, "shards: 8\ncolumns: [id, timestamp]\nmode: backfill\n");
    Path runner = dir.resolve("r.yaml");
    Files.writeString(runner, "runner: DirectRunner\nshards: 6\n");

    List<String> args = List.of(PipelineFile.expand(new String[] {
        "--pipelineFile=" + pipeline, "--runnerConfig=" + runner, "--mode=continuous"}));

    assertTrue(args.contains("--shards=6"), args.toString());
    assertTrue(args.contains("--columns=id,timestamp"), args.toString());
    assertTrue(args.contains("--runner=DirectRunner"), args.toString());
    assertTrue(args.contains("--mode=continuous"), args.toString());
    assertEquals(4, args.size(), args.toString());
  }

  @Test
  void theShippedFilesParse() {
    for (String file : List.of("pipelines/telemetry-local.yaml", "pipelines/telemetry-bigquery.yaml",
        "runner-configs/direct.yaml")) {
      assertTrue(PipelineFile.read("pipelineFile", Path.of(file)).size() > 3, file);
    }
  }

  @Test
  void aNestedMapIsRefusedByName() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "harper:\n  nodes: x\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PipelineFile.expand(new String[] {"--pipelineFile=" + bad}));
    assertTrue(e.getMessage().startsWith("--pipelineFile") && e.getMessage().contains("harper"),
        e.getMessage());
  }
}
