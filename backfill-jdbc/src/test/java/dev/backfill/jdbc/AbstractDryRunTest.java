package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.ExecutionOptions;
import dev.backfill.InMemoryStateStore;
import dev.backfill.InvalidConfigurationException;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.PlanOptions;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.SliceCheck;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.StateStore;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * The dry run catches mistakes before any slice (issue 14, item 12): {@code plan(...)} refuses a
 * table that does not exist, a source or pushdown query column the table does not have, and a column
 * whose type cannot convert to the table's, naming the column and both types; it warns when the pool
 * is too small for the planned concurrency; a resume or a worker on an in-memory state store is warned
 * about. A refusal writes nothing: no run, no row, no table. (A merge without a unique key on its keys
 * is refused in {@link AbstractPreflightTest}, what blocks a full rebuild's swap in
 * {@link AbstractFullRebuildTest}.)
 */
abstract class AbstractDryRunTest extends EngineTest {
  private static final PartitionRange RANGE = PartitionRange.of("2024-01-01", "2024-01-03");

  enum Path { RECORDS, PUSHDOWN }

  @BeforeEach
  void setUp() {
    db.exec("CREATE TABLE src (" + db.q("day") + " DATE NOT NULL, customer_id INT NOT NULL, revenue BIGINT NOT NULL)",
        "INSERT INTO src VALUES (DATE '2024-01-01', 1, 101), (DATE '2024-01-02', 1, 201), (DATE '2024-01-03', 1, 301)",
        "CREATE TABLE facts (" + db.q("day") + " DATE NOT NULL, customer_id INT NOT NULL, revenue BIGINT NOT NULL)");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aMistypedTableIsRefusedWhenPlanningAndNothingIsWritten(Path path) {
    Snapshot before = Snapshot.of(db, store);

    Throwable refused = catchThrowable(() -> backfill(path, "fact", select("customer_id, revenue")).plan(RANGE));

    assertThat(refused).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContainingAll("table fact does not exist", "refused before any slice ran");
    assertThat(Snapshot.of(db, store)).isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aColumnTheTableDoesNotHaveIsRefusedNamingIt(Path path) {
    Snapshot before = Snapshot.of(db, store);

    Throwable refused = catchThrowable(() -> backfill(path, "facts", select("customer_id, revenue AS revenu")).plan(RANGE));

    assertThat(refused).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("column(s) revenu that table facts does not have");
    assertThat(Snapshot.of(db, store)).isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aColumnWhoseTypeCannotConvertIsRefusedNamingTheColumnAndBothTypes(Path path) {
    Snapshot before = Snapshot.of(db, store);

    Throwable refused = catchThrowable(() -> backfill(path, "facts",
        select("customer_id, " + db.q("day") + " AS revenue")).plan(RANGE));

    assertThat(refused).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContainingAll("column revenue as DATE", "facts.revenue is " + bigintName());
    assertThat(Snapshot.of(db, store)).isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void matchingColumnsPassTheDryRunAndTheRunWritesThem(Path path) {
    Backfill<?> backfill = backfill(path, "facts", select("customer_id, revenue"));
    BackfillPlan plan = backfill.plan(RANGE);

    assertThat(plan.warnings()).isEmpty();
    RunReport report = backfill.execute(plan).await();
    assertThat(report.status()).as(report.summary()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(db.lines("SELECT customer_id, revenue FROM facts ORDER BY revenue")).containsExactly("1|101", "1|201", "1|301");
  }

  /** The test pool holds 8 connections: concurrency 4 needs about 10 of them, concurrency 3 about 8. */
  @Test
  void aPoolSmallerThanTheConcurrencyNeedsIsWarnedAboutInThePlan() {
    Backfill<?> backfill = backfill(Path.RECORDS, "facts", select("customer_id, revenue"));

    BackfillPlan tight = backfill.plan(RANGE, PlanOptions.defaults().concurrency(4));
    BackfillPlan enough = backfill.plan(RANGE, PlanOptions.defaults().concurrency(3));

    assertThat(tight.warnings()).singleElement().asString()
        .contains("connection pool of facts holds 8 connection(s)", "concurrency 4 needs about 10");
    assertThat(tight.describe()).contains("concurrency 4 needs about 10");
    assertThat(enough.warnings()).isEmpty();
  }

  @Test
  void aResumeOrAWorkerOnAnInMemoryStoreIsWarnedAbout() throws Exception {
    StateStore memory = new InMemoryStateStore();
    Backfill<?> backfill = Backfill.builder("facts").partitioning(Partitioning.daily(ZoneOffset.UTC).named("day"))
        .source(JdbcSource.query(db.dataSource(), select("customer_id, revenue")))
        .destination(JdbcDestination.table(db.dataSource(), "facts")).strategy(WriteStrategy.overwritePartition("day"))
        .check(SliceCheck.minRows(2)).stateStore(memory).build();
    Logger logger = (Logger) LoggerFactory.getLogger(Backfill.class);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    logger.addAppender(events);
    try {
      RunReport failed = backfill.execute(backfill.plan(RANGE)).await();
      assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
      assertThat(warnings(events)).as("warnings before a resume or a worker was asked for").isEmpty();

      backfill.resume(failed.runId()).await();
      backfill.worker(failed.runId(), ExecutionOptions.defaults()).await();

      assertThat(warnings(events)).hasSize(2).allSatisfy(w -> assertThat(w)
          .contains("InMemoryStateStore", "lives in this JVM only", "JdbcStateStore"));
      assertThat(warnings(events).get(0)).startsWith("resume(...) of facts");
      assertThat(warnings(events).get(1)).startsWith("worker(...) of facts");
    } finally {
      logger.detachAppender(events);
    }
  }

  private static List<String> warnings(ListAppender<ILoggingEvent> events) {
    return events.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
        .map(ILoggingEvent::getFormattedMessage).toList();
  }

  private String select(String columns) {
    return "SELECT " + db.q("day") + ", " + columns + " FROM src WHERE " + db.q("day") + " = :start_date";
  }

  /** How the engine's catalog names a BIGINT column. */
  private String bigintName() {
    return db.engine() == TestDatabase.Engine.POSTGRES ? "int8" : "BIGINT";
  }

  private Backfill<?> backfill(Path path, String table, String select) {
    Backfill.Builder<Object> builder = Backfill.builder(table).partitioning(Partitioning.daily(ZoneOffset.UTC).named("day"))
        .strategy(WriteStrategy.overwritePartition("day")).stateStore(store);
    return path == Path.RECORDS
        ? builder.source(JdbcSource.query(db.dataSource(), select)).destination(JdbcDestination.table(db.dataSource(), table))
            .build()
        : builder.destination(JdbcDestination.table(db.dataSource(), table).fromQuery(select)).build();
  }

  /** What a refused plan could have written: runs, slices, target holds, the tables and the rows of facts. */
  private record Snapshot(List<String> runs, List<String> slices, List<String> targets, List<String> tables,
      List<String> facts) {
    static Snapshot of(TestDatabase db, JdbcStateStore store) {
      String schema = db.engine() == TestDatabase.Engine.H2 ? "PUBLIC" : db.name();
      return new Snapshot(db.lines("SELECT * FROM backfill_runs ORDER BY 1"),
          db.lines("SELECT * FROM backfill_slices ORDER BY 1, 2"), db.lines("SELECT * FROM backfill_targets ORDER BY 1"),
          db.lines("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + schema
              + "' ORDER BY table_name"), db.lines("SELECT * FROM facts ORDER BY 1, 2, 3"));
    }
  }
}
