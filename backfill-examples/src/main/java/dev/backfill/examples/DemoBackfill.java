package dev.backfill.examples;

import com.zaxxer.hikari.HikariDataSource;
import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.SliceCheck;
import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.JdbcChecks;
import dev.backfill.jdbc.JdbcDestination;
import dev.backfill.jdbc.JdbcSource;
import dev.backfill.jdbc.JdbcStateStore;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * The README's first command: a daily backfill on embedded H2 through backfill-jdbc. A source query
 * sums each day's {@code events} per customer (tokens {@code :start_date}, {@code :start_ts},
 * {@code :end_ts} bound per slice, Berlin days, so 2024-03-31 has 23 hours), the destination
 * {@code daily_revenue} is overwritten day by day, and the JDBC state store shares the data source,
 * so each day's rows and its SUCCEEDED status commit in one transaction (exactly-once). It prints
 * the plan, the report and the destination rows.
 */
public final class DemoBackfill {
  private DemoBackfill() {}

  /**
   * Runs the demo.
   *
   * @param args unused
   * @throws SQLException if setting up the demo database fails
   */
  public static void main(String[] args) throws SQLException {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    try (HikariDataSource ds = DemoData.openH2("demo")) {
      DemoData.createEvents(ds, berlin, LocalDate.parse("2024-03-20"), LocalDate.parse("2024-04-05"));
      DemoData.exec(ds, "CREATE TABLE daily_revenue (sales_day DATE NOT NULL, customer_id INT NOT NULL,"
            + " revenue DECIMAL(12, 2) NOT NULL, purchases INT NOT NULL, PRIMARY KEY (sales_day, customer_id))");

      Backfill<Row> backfill = Backfill.builder("daily_revenue")
          .partitioning(Partitioning.daily(berlin).named("sales_day"))
          .source(JdbcSource.query(ds, """
              SELECT CAST(:start_date AS DATE) AS sales_day, customer_id,
                     SUM(amount) AS revenue, COUNT(*) AS purchases
              FROM events WHERE ts >= :start_ts AND ts < :end_ts
              GROUP BY customer_id ORDER BY customer_id"""))
          .destination(JdbcDestination.table(ds, "daily_revenue"))
          .strategy(WriteStrategy.overwritePartition("sales_day"))
          .check(SliceCheck.minRows(1))
          .check(SliceCheck.maxNullRate("customer_id", 0.0))
          .check(JdbcChecks.sql("SELECT count(*) FROM daily_revenue WHERE sales_day = :sales_day AND revenue <= 0",
              JdbcChecks.exactly(0)))
          .stateStore(JdbcStateStore.create(ds))
          .logicVersion("demo-1")
          .build();

      PartitionRange range = PartitionRange.of("2024-03-25", "2024-04-02");
      BackfillPlan plan = backfill.plan(range);
      System.out.println(plan.describe());

      RunReport report = backfill.execute(plan, ExecutionOptions.builder().maxConcurrency(2).build()).await();
      System.out.println(report.summary());
      System.out.println();
      System.out.println("daily_revenue:");
      DemoData.table(ds, "SELECT sales_day, customer_id, revenue, purchases FROM daily_revenue"
          + " ORDER BY sales_day, customer_id").forEach(line -> System.out.println("  " + line));
      System.out.println();
      System.out.println("Planning the same range again selects nothing:");
      System.out.println(backfill.plan(range).describe());
    }
  }
}
