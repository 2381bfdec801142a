package io.bqharpersync.tools;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.TableId;
import io.bqharpersync.bqlocal.BigQueryStandIn;
import io.bqharpersync.record.Cursor;
import io.bqharpersync.retry.RetryPolicy;
import io.bqharpersync.source.BigQueryShardReader;
import io.bqharpersync.source.ReadWindow;
import io.bqharpersync.source.ShardQuery;
import io.bqharpersync.source.SourceRow;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Rows/s that one {@link BigQueryShardReader} pulls from the local stand-in through the real
 * client, shard 0 of 1, in pages of {@code --page} rows. An embedded stand-in is started on an
 * ephemeral loopback port, seeded, read {@code --rounds} times, and stopped.
 */
public final class ShardReaderBenchmark {
  public static void main(String[] args) throws Exception {
    CommandLine line = new CommandLine(args, Set.of("rows", "page", "rounds"));
    int rows = (int) line.positiveLong("rows", 100_000);
    int page = (int) line.positiveLong("page", 5000);
    int rounds = (int) line.positiveLong("rounds", 3);
    try (BigQueryStandIn local = BigQueryStandIn.start("127.0.0.1", 0)) {
      BigQuery client = BigQueryShardReader.client("bench", local.endpoint(), Duration.ofSeconds(60));
      TableId table = TableId.of("bench", "telemetry", "readings");
      TelemetryTable.create(client, table);
      TelemetryTable.insert(client, table, new TelemetryGenerator("r")
          .rows(0, rows, 1_704_067_200_000_000L, 1000, 1));
      ShardQuery query = ShardQuery.builder().table("bench.telemetry.readings")
          .columns(TelemetryTable.COLUMNS).idColumn("id").cursorColumn("timestamp").build();
      BigQueryShardReader reader = new BigQueryShardReader(client, RetryPolicy.defaults(), () -> {});
      double[] rates = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        long started = System.nanoTime();
        long read = 0;
        Cursor cursor = Cursor.START;
        ReadWindow window = new ReadWindow(Duration.ofMinutes(1), Duration.ofDays(1));
        Instant limit = Instant.parse("2030-01-01T00:00:00Z");
        for (List<SourceRow> rowsRead = reader.nextPage(query, cursor, limit, page, window);
            !rowsRead.isEmpty(); rowsRead = reader.nextPage(query, cursor, limit, page, window)) {
          read += rowsRead.size();
          cursor = rowsRead.get(rowsRead.size() - 1).cursor();
        }
        if (read != rows) {
          throw new IllegalStateException("read " + read + " rows of " + rows);
        }
        rates[round] = read / ((System.nanoTime() - started) / 1e9);
        System.out.printf("round %d: %,.0f rows/s%n", round + 1, rates[round]);
      }
      Arrays.sort(rates);
      System.out.printf("one reader from the stand-in, median of %d: %,.0f rows/s (page %d rows, %,d rows)%n",
          rounds, rates[rounds / 2], page, rows);
    }
  }
}
