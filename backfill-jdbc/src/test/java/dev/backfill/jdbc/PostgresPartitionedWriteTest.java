package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Guarantee;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PostgresPartitionedWriteTest extends AbstractPartitionedWriteTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }

  @Override
  void createPartitioned(String table, List<LocalDate> bounds) {
    db.exec("CREATE TABLE " + table + " (day DATE NOT NULL, customer_id INT NOT NULL, revenue BIGINT NOT NULL)"
        + " PARTITION BY RANGE (day)");
    for (int i = 0; i + 1 < bounds.size(); i++) {
      db.exec("CREATE TABLE " + table + "_" + bounds.get(i).toString().replace("-", "") + " PARTITION OF " + table
          + " FOR VALUES FROM ('" + bounds.get(i) + "') TO ('" + bounds.get(i + 1) + "')");
    }
  }

  /**
   * Reading the table's partition bounds takes no lock on the partitions, so a slice does not wait
   * for a TRUNCATE another transaction (another slice of the run, or anyone) holds on a partition
   * it does not touch. Deparsing a bound with the partition's oid opened the partition and so
   * waited for that lock: a run's slices then replaced their partitions one at a time.
   */
  @Test
  void aSliceDoesNotWaitForATruncateHeldOnAnotherPartition() throws Exception {
    createPartitioned("daily", days(LocalDate.parse("2023-12-31"), LocalDate.parse("2024-01-07")));
    seed("daily", "2024-01-06");
    seed("plain", "2024-01-06");
    try (Connection holder = db.dataSource().getConnection(); Statement s = holder.createStatement()) {
      holder.setAutoCommit(false);
      s.execute("TRUNCATE TABLE daily_20231231"); // outside the range; held until the rollback below
      CompletableFuture<RunReport> run = CompletableFuture.supplyAsync(() -> run(backfill("daily")));
      RunReport report;
      try {
        report = run.get(60, TimeUnit.SECONDS);
      } finally {
        holder.rollback();
      }
      assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(replaced(report)).hasSize(5);
    }
    run(backfill("plain"));
    assertThat(rows("daily")).containsExactlyElementsOf(rows("plain")).contains("2023-12-31|9|999");
  }

  @Override
  Guarantee replacingGuarantee() {
    return Guarantee.EXACTLY_ONCE;
  }

  @Override
  List<String> tables() {
    return db.lines("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + db.name() + "'");
  }
}
