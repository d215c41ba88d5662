package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.ExecutionOptions;
import dev.backfill.Guarantee;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.PlanOptions;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.Selection;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.SliceRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Overwrite into a natively partitioned table: when a slice's span is exactly whole partitions they
 * are replaced (PostgreSQL TRUNCATE, MariaDB EXCHANGE PARTITION), the slice reports
 * {@code jdbc.partitions_replaced} and the plan says how many qualify; otherwise the slice deletes row
 * by row and the plan says why. Either way the table ends with exactly the rows an unpartitioned twin
 * table gets from the same source. Subclasses create the engine's partitions.
 *
 * <p>Source {@code src} holds 2024-01-01 to 2024-01-05 with customers 1-4 (only 1-2 on 01-03); both
 * destinations start with stale rows on those days (customers 1-6) and rows outside the range.
 */
abstract class AbstractPartitionedWriteTest {
  static final PartitionRange RANGE = PartitionRange.of("2024-01-01", "2024-01-05");
  static final String METRIC = "jdbc.partitions_replaced";

  TestDatabase db;
  JdbcStateStore store;

  abstract TestDatabase.Engine engine();

  /** Creates {@code table} range-partitioned by {@code day}, one partition per pair of consecutive bounds. */
  abstract void createPartitioned(String table, List<LocalDate> bounds);

  /** The guarantee of a run that replaces partitions on this engine. */
  abstract Guarantee replacingGuarantee();

  /** Names of the tables in the test's namespace. */
  abstract List<String> tables();

  @BeforeEach
  void setUp() {
    db = TestDatabase.open(engine());
    store = JdbcStateStore.create(db.dataSource());
    db.exec("CREATE TABLE src (" + db.q("day") + " DATE NOT NULL, customer_id INT NOT NULL, revenue BIGINT NOT NULL)");
    StringBuilder values = new StringBuilder();
    for (int d = 1; d <= 5; d++) {
      for (int c = 1; c <= (d == 3 ? 2 : 4); c++) {
        values.append(values.length() == 0 ? "" : ", ").append("(DATE '2024-01-0").append(d).append("', ").append(c)
            .append(", ").append(d * 1000 + c).append(")");
      }
    }
    db.exec("INSERT INTO src VALUES " + values);
    db.exec("CREATE TABLE plain (" + db.q("day") + " DATE NOT NULL, customer_id INT NOT NULL, revenue BIGINT NOT NULL)");
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  @Test
  void slicesOfWholePartitionsReplaceThemAndLeaveTheRowsOfADelete() {
    createPartitioned("daily", days(LocalDate.parse("2023-12-31"), LocalDate.parse("2024-01-07")));
    seed("daily", "2024-01-06");
    seed("plain", "2024-01-06");

    Backfill<Row> partitioned = backfill("daily");
    BackfillPlan plan = partitioned.plan(RANGE, PlanOptions.defaults().select(Selection.RESTATE));
    RunReport report = partitioned.execute(plan, options()).await();
    RunReport twin = run(backfill("plain"));

    assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("native partition overwrite: 5 of 5"));
    assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(twin.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(report.guarantee()).isEqualTo(replacingGuarantee());
    assertThat(replaced(report)).containsOnlyKeys("2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05")
        .allSatisfy((key, n) -> assertThat(n).isEqualTo(1.0));
    assertThat(rows("daily")).containsExactlyElementsOf(rows("plain")).contains("2024-01-06|5|1");
    assertThat(tables()).noneMatch(t -> t.contains("_bfx_"));

    RunReport again = run(partitioned);
    assertThat(again.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(rows("daily")).containsExactlyElementsOf(rows("plain"));
  }

  @Test
  void dailySlicesOfMonthlyPartitionsDeleteRowByRowAndThePlanSaysWhy() {
    createPartitioned("monthly", List.of(LocalDate.parse("2023-12-01"), LocalDate.parse("2024-01-01"),
        LocalDate.parse("2024-02-01"), LocalDate.parse("2024-03-01")));
    seed("monthly", "2024-01-20");
    seed("plain", "2024-01-20");

    Backfill<Row> partitioned = backfill("monthly");
    BackfillPlan plan = partitioned.plan(RANGE, PlanOptions.defaults().select(Selection.RESTATE));
    RunReport report = partitioned.execute(plan, options()).await();
    run(backfill("plain"));

    assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("native partition overwrite: 0 of 5")
        .contains("covers part of partition").contains("[2024-01-01, 2024-02-01)"));
    assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(replaced(report)).isEmpty();
    assertThat(rows("monthly")).containsExactlyElementsOf(rows("plain")).contains("2024-01-20|5|1");
  }

  @Test
  void anUnpartitionedTableNeitherReportsReplacedPartitionsNorWarns() {
    seed("plain", "2024-01-06");
    Backfill<Row> backfill = backfill("plain");
    BackfillPlan plan = backfill.plan(RANGE, PlanOptions.defaults().select(Selection.RESTATE));
    RunReport report = backfill.execute(plan, options()).await();

    assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(report.guarantee()).isEqualTo(Guarantee.EXACTLY_ONCE);
    assertThat(plan.warnings()).noneMatch(w -> w.contains("partition overwrite"));
    assertThat(replaced(report)).isEmpty();
    assertThat(rows("plain")).hasSize(18 + 2); // the source's rows and the two outside the range
  }

  // ---------------------------------------------------------------------------------------------

  static List<LocalDate> days(LocalDate first, LocalDate last) {
    return first.datesUntil(last.plusDays(1)).toList();
  }

  /** Stale rows on every day of the range (customers 1-6) and one row outside it, on {@code outside}. */
  void seed(String table, String outside) {
    StringBuilder values = new StringBuilder("(DATE '2023-12-31', 9, 999), (DATE '" + outside + "', 5, 1)");
    for (int d = 1; d <= 5; d++) {
      for (int c = 1; c <= 6; c++) {
        values.append(", (DATE '2024-01-0").append(d).append("', ").append(c).append(", -").append(c).append(")");
      }
    }
    db.exec("INSERT INTO " + table + " VALUES " + values);
  }

  Backfill<Row> backfill(String table) {
    return Backfill.<Row>builder(table).partitioning(Partitioning.daily(ZoneOffset.UTC))
        .source(JdbcSource.query(db.dataSource(), "SELECT " + db.q("day") + ", customer_id, revenue FROM src WHERE "
            + db.q("day") + " BETWEEN :start_date AND :end_date"))
        .destination(JdbcDestination.table(db.dataSource(), table))
        .strategy(WriteStrategy.overwritePartition("day")).stateStore(store).build();
  }

  static ExecutionOptions options() {
    return ExecutionOptions.builder().maxConcurrency(2).retry(RetryPolicy.none()).build();
  }

  RunReport run(Backfill<Row> backfill) {
    return backfill.execute(backfill.plan(RANGE, PlanOptions.defaults().select(Selection.RESTATE)), options()).await();
  }

  /** Partitions replaced per slice key, for slices that replaced any. */
  Map<String, Double> replaced(RunReport report) {
    return store.slices(report.runId()).stream().filter(s -> s.stats().metrics().containsKey(METRIC))
        .collect(Collectors.toMap(SliceRecord::key, s -> s.stats().metrics().get(METRIC)));
  }

  List<String> rows(String table) {
    return db.lines("SELECT " + db.q("day") + ", customer_id, revenue FROM " + table + " ORDER BY " + db.q("day")
        + ", customer_id");
  }
}
