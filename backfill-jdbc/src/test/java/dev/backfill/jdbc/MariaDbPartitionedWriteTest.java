package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.ExecutionOptions;
import dev.backfill.Guarantee;
import dev.backfill.PlanOptions;
import dev.backfill.Partitioning;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.Selection;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.RunContext;
import dev.backfill.spi.SourceNode;
import dev.backfill.testkit.ForwardingDestination;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

class MariaDbPartitionedWriteTest extends AbstractPartitionedWriteTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }

  @Override
  void createPartitioned(String table, List<LocalDate> bounds) {
    StringJoiner parts = new StringJoiner(", ");
    parts.add("PARTITION p_before VALUES LESS THAN ('" + bounds.get(0) + "')");
    for (int i = 1; i < bounds.size(); i++) {
      parts.add("PARTITION p" + bounds.get(i - 1).toString().replace("-", "") + " VALUES LESS THAN ('" + bounds.get(i)
          + "')");
    }
    db.exec("CREATE TABLE " + table + " (day DATE NOT NULL, customer_id INT NOT NULL, revenue BIGINT NOT NULL)"
        + " PARTITION BY RANGE COLUMNS(day) (" + parts + ")");
  }

  @Override
  Guarantee replacingGuarantee() {
    return Guarantee.AT_LEAST_ONCE;
  }

  @Override
  List<String> tables() {
    return db.lines("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + db.name() + "'");
  }

  /**
   * One slice at a time: the staging table the first slice created is the one every later slice
   * fills (emptied first, so no partition gets another's rows), and the run's end drops it.
   */
  @Test
  void slicesOfARunReuseOneStagingTableWhichTheRunDropsAtItsEnd() {
    createPartitioned("daily", days(LocalDate.parse("2023-12-31"), LocalDate.parse("2024-01-07")));
    seed("daily", "2024-01-06");
    seed("plain", "2024-01-06");
    List<List<String>> seen = new ArrayList<>();
    SourceNode<Row> source = (slice, ctx, sink) -> {
      seen.add(tables().stream().filter(t -> t.contains("_bfx_")).toList());
      db.rows("SELECT day, customer_id, revenue FROM src WHERE day = '" + slice.first().dimensions().values()
          .iterator().next() + "'").forEach(sink::accept);
    };
    Backfill<Row> backfill = Backfill.<Row>builder("daily").partitioning(Partitioning.daily(ZoneOffset.UTC))
        .source(source).destination(JdbcDestination.table(db.dataSource(), "daily"))
        .strategy(WriteStrategy.overwritePartition("day")).stateStore(store).build();
    RunReport report = backfill.execute(backfill.plan(RANGE, PlanOptions.defaults().select(Selection.RESTATE)),
        ExecutionOptions.builder().maxConcurrency(1).retry(RetryPolicy.none()).build()).await();
    run(backfill("plain"));

    assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(replaced(report)).hasSize(5);
    assertThat(seen).hasSize(5);
    assertThat(seen.get(1)).hasSize(1);
    assertThat(seen.subList(1, 5)).allSatisfy(names -> assertThat(names).isEqualTo(seen.get(1)));
    assertThat(rows("daily")).containsExactlyElementsOf(rows("plain"));
    assertThat(tables()).noneMatch(t -> t.contains("_bfx_"));
  }

  /**
   * A table partitioned after the run chose exactly-once (here between the guarantee and the first
   * slice): the store records each slice's end in the slice's transaction, and an exchange would commit
   * after it, so a crash in between would leave a SUCCEEDED slice over the partition's old rows. The
   * slices delete row by row instead, and the run stays exactly-once.
   */
  @Test
  void aTablePartitionedAfterAnExactlyOnceRunStartedIsNotExchanged() {
    db.exec("CREATE TABLE daily (day DATE NOT NULL, customer_id INT NOT NULL, revenue BIGINT NOT NULL)");
    seed("daily", "2024-01-06");
    seed("plain", "2024-01-06");
    StringJoiner parts = new StringJoiner(", ", "(", ")");
    parts.add("PARTITION p_before VALUES LESS THAN ('2024-01-01')");
    for (LocalDate d : days(LocalDate.parse("2024-01-01"), LocalDate.parse("2024-01-06"))) {
      parts.add("PARTITION p" + d.toString().replace("-", "") + " VALUES LESS THAN ('" + d.plusDays(1) + "')");
    }
    ForwardingDestination<Row> repartitioning = new ForwardingDestination<>(JdbcDestination.table(db.dataSource(),
        "daily")) {
      @Override
      public void beginRun(RunContext run) throws Exception {
        super.beginRun(run);
        db.exec("ALTER TABLE daily PARTITION BY RANGE COLUMNS(day) " + parts);
      }
    };
    Backfill<Row> backfill = Backfill.<Row>builder("daily").partitioning(Partitioning.daily(ZoneOffset.UTC))
        .source(JdbcSource.query(db.dataSource(), "SELECT day, customer_id, revenue FROM src WHERE day BETWEEN"
            + " :start_date AND :end_date"))
        .destination(repartitioning).strategy(WriteStrategy.overwritePartition("day")).stateStore(store).build();
    RunReport report = run(backfill);
    run(backfill("plain"));

    assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(report.guarantee()).isEqualTo(Guarantee.EXACTLY_ONCE);
    assertThat(db.lines("SELECT COUNT(*) FROM information_schema.partitions WHERE table_schema = '" + db.name()
        + "' AND table_name = 'daily' AND partition_name IS NOT NULL")).containsExactly("7");
    assertThat(replaced(report)).isEmpty();
    assertThat(rows("daily")).containsExactlyElementsOf(rows("plain"));
    assertThat(tables()).noneMatch(t -> t.contains("_bfx_"));
  }
}
