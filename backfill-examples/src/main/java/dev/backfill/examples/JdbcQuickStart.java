package dev.backfill.examples;

import com.zaxxer.hikari.HikariDataSource;
import dev.backfill.Backfill;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.PlanOptions;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.Selection;
import dev.backfill.SliceCheck;
import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.JdbcDestination;
import dev.backfill.jdbc.JdbcSource;
import dev.backfill.jdbc.JdbcStateStore;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * The README's JDBC quick start on embedded H2: a source query with tokens feeding a table with
 * {@code merge}. Run it with
 * {@code mvn -B -q -pl backfill-examples -am compile exec:java -Dexec.mainClass=dev.backfill.examples.JdbcQuickStart}.
 */
public final class JdbcQuickStart {
  private JdbcQuickStart() {}

  /**
   * Runs the quick start.
   *
   * @param args unused
   * @throws SQLException if setting up the example database fails
   */
  public static void main(String[] args) throws SQLException {
    ZoneId zone = ZoneId.of("Europe/Berlin");
    try (HikariDataSource ds = DemoData.openH2("quickstart")) {
      DemoData.createEvents(ds, zone, LocalDate.parse("2024-01-01"), LocalDate.parse("2024-01-31"));
      DemoData.exec(ds, "CREATE TABLE customer_day (sales_day DATE NOT NULL, customer_id INT NOT NULL,"
            + " revenue DECIMAL(12, 2) NOT NULL, PRIMARY KEY (sales_day, customer_id))");

      Backfill<Row> backfill = Backfill.builder("customer_day")
          .partitioning(Partitioning.daily(zone).named("sales_day"))
          .source(JdbcSource.query(ds, """
              SELECT CAST(:start_date AS DATE) AS sales_day, customer_id, SUM(amount) AS revenue
              FROM events
              WHERE ts >= :start_ts AND ts < :end_ts AND customer_id <> :skip_customer
              GROUP BY customer_id"""))
          .token("skip_customer", 3)                                  // your own token, bound like the others
          .destination(JdbcDestination.table(ds, "customer_day"))
          .strategy(WriteStrategy.merge("sales_day", "customer_id"))  // upsert by business key
          .check(SliceCheck.minRows(1))
          .stateStore(JdbcStateStore.create(ds))                      // same DataSource: exactly-once
          .build();

      PartitionRange january = PartitionRange.of("2024-01-01", "2024-01-31");
      RunReport first = backfill.execute(backfill.plan(january), ExecutionOptions.builder().maxConcurrency(4).build())
          .await();
      System.out.println(first.summary());

      // Merge is idempotent: restating the month leaves the table as it is.
      RunReport again = backfill.execute(backfill.plan(january, PlanOptions.defaults().select(Selection.RESTATE)))
          .await();
      System.out.println(again.summary());
      DemoData.table(ds, "SELECT count(*) AS rows_in_table, SUM(revenue) AS revenue FROM customer_day")
          .forEach(System.out::println);
    }
  }
}
