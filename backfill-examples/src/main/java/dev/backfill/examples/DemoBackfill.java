package dev.backfill.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunHistory;
import dev.backfill.RunReport;
import dev.backfill.SliceCheck;
import dev.backfill.WriteStrategy;
import dev.backfill.event.ConsoleProgress;
import dev.backfill.jdbc.JdbcChecks;
import dev.backfill.jdbc.JdbcDestination;
import dev.backfill.jdbc.JdbcSource;
import dev.backfill.jdbc.JdbcStateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.stream.Stream;

/**
 * The README's first command: 90 days of {@code events} (270,000 rows) in an embedded H2 database
 * file, aggregated day by day into {@code daily_customer_revenue} with a merge. It prints the plan and
 * its cost estimate, runs at most three days at once with a console progress bar, survives one
 * injected transient failure (retried with backoff), then prints the run summary, writes the HTML
 * report and shows the {@code backfill} command that reads the same run from the database file.
 */
public final class DemoBackfill {
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final PartitionRange RANGE = PartitionRange.of("2024-01-01", "2024-03-30");

  private DemoBackfill() {}

  /**
   * Runs the demo.
   *
   * @param args unused
   * @throws SQLException if setting up the demo database fails
   * @throws IOException if the demo directory cannot be prepared
   */
  public static void main(String[] args) throws SQLException, IOException {
    Path dir = Paths.get(System.getProperty("backfill.demo.dir", "target/backfill-demo")).toAbsolutePath().normalize();
    String url = "jdbc:h2:file:" + dir.resolve("demo");
    fresh(dir);
    try (HikariDataSource ds = open(url)) {
      DemoData.exec(ds, "CREATE TABLE daily_customer_revenue (sales_day DATE NOT NULL, customer_id INT NOT NULL,"
          + " revenue DECIMAL(14, 2) NOT NULL, purchases INT NOT NULL, PRIMARY KEY (sales_day, customer_id))");
      long events = DemoData.createManyEvents(ds, BERLIN, RANGE, 3_000);
      System.out.printf("events: %,d rows over 90 days in %s%n%n", events, url);

      Backfill<Row> backfill = Backfill.builder("daily_customer_revenue")
          .partitioning(Partitioning.daily(BERLIN).named("sales_day"))
          .source(new FlakyOnce<>(JdbcSource.query(ds, """
              SELECT CAST(:start_date AS DATE) AS sales_day, customer_id,
                     SUM(amount) AS revenue, COUNT(*) AS purchases
              FROM events WHERE ts >= :start_ts AND ts < :end_ts
              GROUP BY customer_id"""), "2024-02-14", p -> DemoData.customersOf(ds, p)))
          .destination(JdbcDestination.table(ds, "daily_customer_revenue"))
          .strategy(WriteStrategy.merge("sales_day", "customer_id"))        // upsert by business key
          .check(SliceCheck.minRows(1))
          .check(JdbcChecks.sql("SELECT count(*) FROM {table} WHERE sales_day = :sales_day AND revenue < 0",
              JdbcChecks.exactly(0)))
          .stateStore(JdbcStateStore.create(ds))                            // same DataSource: exactly-once
          .logicVersion("demo-2")
          .build();

      BackfillPlan plan = backfill.plan(RANGE);
      System.out.println(plan.describe());

      ConsoleProgress bar = new ConsoleProgress();
      if (!bar.enabled()) {
        System.out.println("(progress bar off: output is not a terminal, or CI is set)");
      }
      RunReport report = backfill.execute(plan, ExecutionOptions.builder()
          .maxConcurrency(3)
          .retry(RetryPolicy.exponential(3, Duration.ofMillis(200)))
          .listener(bar)
          .build()).await();

      System.out.println();
      System.out.println(report.summary());
      RunHistory history = backfill.history();
      Path html = history.writeHtml(report.runId(), dir.resolve("report-" + report.runId() + ".html"));
      System.out.println("retried: " + history.run(report.runId()).retries() + " attempt(s); log lines of 2024-02-14:");
      history.log(report.runId(), "2024-02-14").ifPresent(log -> log.lines().forEach(l -> System.out.println("  " + l)));
      System.out.println();
      System.out.println("HTML report: " + html);
      System.out.println("The same run from the command line (build the CLI jar once with"
          + " mvn -B -q -pl backfill-cli -am package -DskipTests):");
      System.out.println("  java -jar backfill-cli/target/backfill-cli-0.1.0-SNAPSHOT-all.jar show " + report.runId()
          + " --url " + url);
    }
  }

  private static HikariDataSource open(String url) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(8);
    config.setPoolName("demo");
    return new HikariDataSource(config);
  }

  /** Starts from an empty database file on every run of the demo. */
  private static void fresh(Path dir) throws IOException {
    Files.createDirectories(dir);
    try (Stream<Path> old = Files.list(dir)) {
      for (Path p : old.filter(p -> p.getFileName().toString().startsWith("demo.")).toList()) {
        Files.delete(p);
      }
    }
  }
}
