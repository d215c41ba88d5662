package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.PlanOptions;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.Selection;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.SourceNode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * MariaDB: batches of two rows or more are upserted by multi-row statements; a batch of one row is
 * the one-row upsert.
 */
class MariaDbFastMergeTest extends AbstractFastMergeTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }

  @Override
  String metric() {
    return "jdbc.multi_row_merge_rows";
  }

  @Override
  int rowByRowBatch() {
    return 1;
  }

  /**
   * Rows of about 1 MB each (3 MB in the statement at most) cannot share one statement under half of
   * the server's 16 MiB packet limit: the batch is cut into several statements, in order, and the
   * last of each repeated key wins as row by row.
   */
  @Test
  void aBatchTooLargeForOneStatementIsCutInOrder() {
    db.exec("CREATE TABLE wide (id BIGINT PRIMARY KEY, day DATE NOT NULL, version INT, val LONGTEXT)");
    db.exec("CREATE TABLE wide_rowwise (id BIGINT PRIMARY KEY, day DATE NOT NULL, version INT, val LONGTEXT)");
    RunReport fast = runWide("wide", 100);
    RunReport rowwise = runWide("wide_rowwise", 1);

    assertThat(fast.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(rowwise.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(metric(fast)).containsOnlyKeys("2024-01-01").containsValue(12.0);
    String columns = "SELECT id, version, LENGTH(val), LEFT(val, 3) FROM ";
    List<String> expected = db.lines(columns + "wide_rowwise ORDER BY id");
    assertThat(db.lines(columns + "wide ORDER BY id")).containsExactlyElementsOf(expected);
    assertThat(expected).containsExactly("0|8|1000000|r08", "1|9|1000000|r09", "2|10|1000000|r10", "3|11|1000000|r11");
  }

  /** 12 rows of one day, ids 0-3 three times each, values of 1,000,000 characters starting with r and the row's number. */
  RunReport runWide(String table, int batch) {
    SourceNode<Row> source = (slice, ctx, sink) -> {
      for (int i = 0; i < 12; i++) {
        String head = "r" + (i < 10 ? "0" : "") + i;
        sink.accept(Row.of("id", (long) (i % 4), "day", LocalDate.parse("2024-01-01"), "version", i, "val",
            head + "x".repeat(1_000_000 - head.length())));
      }
    };
    Backfill<Row> backfill = Backfill.<Row>builder(table).partitioning(Partitioning.daily(ZoneOffset.UTC))
        .source(source).destination(JdbcDestination.table(db.dataSource(), table))
        .strategy(WriteStrategy.merge("id").newerBy("version")).stateStore(store).build();
    return backfill.execute(backfill.plan(PartitionRange.of("2024-01-01", "2024-01-01"),
        PlanOptions.defaults().select(Selection.RESTATE)),
        ExecutionOptions.builder().maxConcurrency(1).writeBatchSize(batch).retry(RetryPolicy.none()).build()).await();
  }
}
