package dev.backfill.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.backfill.Backfill;
import dev.backfill.BackfillException;
import dev.backfill.BackfillPlan;
import dev.backfill.ExecutionOptions;
import dev.backfill.InvalidConfigurationException;
import dev.backfill.InvalidPartitionKeyException;
import dev.backfill.InvalidRangeException;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.PlanIntegrityException;
import dev.backfill.PlanOptions;
import dev.backfill.Row;
import dev.backfill.RunStatus;
import dev.backfill.SliceCheck;
import dev.backfill.UnknownRunException;
import dev.backfill.UnknownTokenException;
import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.JdbcDestination;
import dev.backfill.jdbc.JdbcSource;
import dev.backfill.jdbc.JdbcStateStore;
import dev.backfill.jdbc.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input, end to end against a JDBC destination and a {@link JdbcStateStore} that already hold
 * rows, runs and partition states: every bad value is refused with an exception of the documented
 * type whose message names the value (and, where it helps, the expected form), and afterwards the
 * destination table, every state store table and the list of tables are exactly as before.
 */
abstract class AbstractBadInputTest {
  private TestDatabase db;
  private JdbcStateStore store;
  private DailyTarget target;
  private Backfill<Row> backfill;
  private String succeededRun;
  private String failedRun;
  private String otherTargetRun;
  private BackfillPlan otherPlan;

  abstract TestDatabase.Engine engine();

  @BeforeEach
  void open() {
    db = TestDatabase.open(engine());
    store = JdbcStateStore.create(db.dataSource());
    target = new DailyTarget(db.dataSource(), "orders", DailyTarget.Kind.OVERWRITE, 3);
    target.create();
    backfill = target.backfill(new GeneratedSource("v2", 3, 0), store);
    succeededRun = backfill.execute(backfill.plan(PartitionRange.of("2024-01-01", "2024-01-02"))).await().runId();
    // A resumable run: its slices failed a check.
    Backfill<Row> failing = target.backfill(new GeneratedSource("v2", 3, 0), store, SliceCheck.minRows(100));
    failedRun = failing.execute(failing.plan(PartitionRange.of("2024-01-03", "2024-01-04"))).await().runId();
    assertThat(store.run(failedRun).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
    DailyTarget other = new DailyTarget(db.dataSource(), "other_target", DailyTarget.Kind.APPEND, 3);
    other.create();
    Backfill<Row> otherBackfill = other.backfill(new GeneratedSource("v2", 3, 0), store);
    otherPlan = otherBackfill.plan(PartitionRange.of("2024-01-01", "2024-01-01"));
    otherTargetRun = otherBackfill.execute(otherPlan).await().runId();
  }

  @AfterEach
  void close() {
    db.close();
  }

  private record Case(String input, Class<? extends Throwable> type, List<String> mentions, ThrowingCallable action) {}

  @Test
  void badInputIsRefusedWithAMessageNamingItAndNothingIsWritten() {
    List<Case> cases = new ArrayList<>();
    // Ranges, keys and zones
    cases.add(new Case("range whose start is after its end", InvalidRangeException.class,
        List.of("2024-03-10", "2024-03-01"), () -> backfill.plan(PartitionRange.of("2024-03-10", "2024-03-01"))));
    cases.add(new Case("hourly bound for a daily target", InvalidRangeException.class,
        List.of("2024-03-01T05", "YYYY-MM-DD"), () -> backfill.plan(PartitionRange.of("2024-03-01T05", "2024-03-02"))));
    cases.add(new Case("date that does not exist", InvalidRangeException.class, List.of("2024-02-30"),
        () -> backfill.plan(PartitionRange.of("2024-02-01", "2024-02-30"))));
    cases.add(new Case("key that is not a date", InvalidRangeException.class, List.of("yesterday"),
        () -> backfill.plan(PartitionRange.of("yesterday", "2024-01-02"))));
    cases.add(new Case("unknown time zone", BackfillException.class, List.of("Mars/Olympus_Mons"),
        () -> Partitioning.zone("Mars/Olympus_Mons")));
    cases.add(new Case("key not among the static keys", InvalidRangeException.class, List.of("apac"),
        () -> keysBackfill().plan(PartitionRange.of("eu", "apac"))));
    cases.add(new Case("static key containing the multi-key separator", InvalidPartitionKeyException.class,
        List.of("eu|us"), () -> Partitioning.keys("eu|us", "apac")));
    // Identifiers
    cases.add(new Case("table name with a quote and a second statement", InvalidConfigurationException.class,
        List.of("orders\"; DROP TABLE orders; --"), () -> JdbcDestination.table(db.dataSource(), "orders\"; DROP TABLE orders; --")));
    cases.add(new Case("table name with a semicolon", InvalidConfigurationException.class, List.of("orders;x"),
        () -> JdbcDestination.table(db.dataSource(), "orders;x")));
    cases.add(new Case("schema-qualified table name with a comment marker", InvalidConfigurationException.class,
        List.of("mart--.orders"), () -> JdbcDestination.table(db.dataSource(), "mart--.orders")));
    cases.add(new Case("merge key with a quote", InvalidConfigurationException.class, List.of("id\" OR 1=1 --"),
        () -> builder().strategy(WriteStrategy.merge("id\" OR 1=1 --")).build()));
    cases.add(new Case("overwrite column that is no dimension", InvalidConfigurationException.class,
        List.of("region", "day"), () -> builder().strategy(WriteStrategy.overwritePartition("region")).build()));
    cases.add(new Case("state store table prefix with a quote", InvalidConfigurationException.class,
        List.of("bf'; DROP TABLE orders; --"), () -> JdbcStateStore.builder(db.dataSource()).tablePrefix("bf'; DROP TABLE orders; --").build()));
    cases.add(new Case("state store schema with a semicolon", InvalidConfigurationException.class,
        List.of("ops;drop"), () -> JdbcStateStore.builder(db.dataSource()).schema("ops;drop").build()));
    cases.add(new Case("target name with a semicolon", InvalidConfigurationException.class,
        List.of("orders; DROP TABLE orders"), () -> Backfill.builder("orders; DROP TABLE orders")));
    cases.add(new Case("token name that is not an identifier", InvalidConfigurationException.class,
        List.of("Start-Date"), () -> builder().token("Start-Date", 1)));
    cases.add(new Case("token that redefines a built-in token", InvalidConfigurationException.class,
        List.of("start_date"), () -> builder().token("start_date", "2020-01-01").build()));
    // Tokens
    cases.add(new Case("unknown token in the source query", UnknownTokenException.class, List.of("start_dat"),
        () -> Backfill.builder("orders").partitioning(DailyTarget.DAILY)
            .source(JdbcSource.query(db.dataSource(), "SELECT * FROM orders WHERE day = :start_dat"))
            .destination(JdbcDestination.table(db.dataSource(), "orders")).stateStore(store).build()));
    // Options
    cases.add(new Case("negative concurrency", InvalidConfigurationException.class, List.of("-2"),
        () -> ExecutionOptions.builder().maxConcurrency(-2).build()));
    cases.add(new Case("batch size 0", InvalidConfigurationException.class, List.of("batchSize 0"),
        () -> backfill.plan(DailyTarget.range(), PlanOptions.defaults().batchSize(0))));
    cases.add(new Case("write batch size 0", InvalidConfigurationException.class, List.of("writeBatchSize 0"),
        () -> ExecutionOptions.builder().writeBatchSize(0).build()));
    cases.add(new Case("lease shorter than a second", InvalidConfigurationException.class, List.of("PT0.2S"),
        () -> ExecutionOptions.builder().leaseTime(Duration.ofMillis(200)).build()));
    cases.add(new Case("run id with a quote and a semicolon", InvalidConfigurationException.class,
        List.of("r1'; DELETE FROM backfill_runs; --"), () -> ExecutionOptions.builder().runId("r1'; DELETE FROM backfill_runs; --").build()));
    cases.add(new Case("negative row rate", InvalidConfigurationException.class, List.of("-5"),
        () -> ExecutionOptions.builder().rowsPerSecond(-5).build()));
    // Runs and plans
    cases.add(new Case("unknown run id for resume", UnknownRunException.class, List.of("no-such-run", "orders"),
        () -> backfill.resume("no-such-run")));
    cases.add(new Case("unknown run id for a worker", UnknownRunException.class, List.of("no-such-run"),
        () -> backfill.worker("no-such-run", ExecutionOptions.defaults())));
    cases.add(new Case("resuming a run of another target", UnknownRunException.class,
        List.of(otherTargetRun, "other_target"), () -> backfill.resume(otherTargetRun)));
    cases.add(new Case("executing the plan of another target", InvalidConfigurationException.class,
        List.of("other_target", "orders"), () -> backfill.execute(otherPlan)));
    cases.add(new Case("run id that exists already", InvalidConfigurationException.class, List.of(succeededRun),
        () -> backfill.execute(backfill.plan(DailyTarget.range()), ExecutionOptions.builder().runId(succeededRun).build())));
    String json = store.run(failedRun).orElseThrow().planJson();
    String edited = json.replace("\"2024-01-04\"", "\"2024-01-09\"");
    assertThat(edited).isNotEqualTo(json);
    cases.add(new Case("plan JSON edited by hand", PlanIntegrityException.class, List.of("checksum"),
        () -> BackfillPlan.fromJson(edited)));
    cases.add(new Case("plan JSON that is not JSON", PlanIntegrityException.class, List.of("does not parse"),
        () -> BackfillPlan.fromJson("{\"format\": \"backfill-plan/1\", \"target\": ")));
    // A run whose persisted plan was tampered with in the state store is not resumed.
    db.exec("UPDATE backfill_runs SET plan_json = '" + edited.replace("'", "''") + "' WHERE run_id = '" + failedRun + "'");
    cases.add(new Case("resuming a run whose stored plan was tampered with", PlanIntegrityException.class,
        List.of("checksum"), () -> backfill.resume(failedRun)));

    SoftAssertions soft = new SoftAssertions();
    State before = State.of(db, target);
    for (Case c : cases) {
      Throwable thrown = catchThrowable(c.action());
      soft.assertThat(thrown).as(c.input()).isInstanceOf(c.type());
      if (thrown != null) {
        for (String mention : c.mentions()) {
          soft.assertThat(thrown.getMessage()).as("message for %s", c.input()).contains(mention);
        }
      }
      soft.assertThat(State.of(db, target)).as("destination and state store after %s", c.input()).isEqualTo(before);
      System.out.printf("BADINPUT %s %-52s -> %s: %s%n", engine(), c.input(),
          thrown == null ? "nothing thrown" : thrown.getClass().getSimpleName(), thrown == null ? "" : thrown.getMessage());
    }
    soft.assertAll();
    System.out.printf("BADINPUT %s: %d distinct bad inputs refused; destination (%d rows), state store (%d rows in %d"
        + " tables) and table list unchanged%n", engine(), cases.size(), before.destination().size(),
        before.store().stream().mapToInt(List::size).sum(), before.store().size());
    assertThat(cases).hasSizeGreaterThanOrEqualTo(20);
  }

  private Backfill.Builder<Row> builder() {
    return Backfill.builder("orders").partitioning(DailyTarget.DAILY).source(new GeneratedSource("v2", 3, 0))
        .destination(JdbcDestination.table(db.dataSource(), "orders")).stateStore(store);
  }

  private Backfill<Row> keysBackfill() {
    return Backfill.builder("orders").partitioning(Partitioning.keys("eu", "us")).source(new GeneratedSource("v2", 3, 0))
        .destination(JdbcDestination.table(db.dataSource(), "orders")).stateStore(store).build();
  }

  /** Everything a bad input could have written: the destination, each state store table, the table list. */
  private record State(List<String> destination, List<List<String>> store, List<String> tables) {
    static State of(TestDatabase db, DailyTarget target) {
      return new State(target.lines(), List.of(
          db.lines("SELECT * FROM backfill_runs ORDER BY run_id"),
          db.lines("SELECT * FROM backfill_slices ORDER BY run_id, slice_index"),
          db.lines("SELECT * FROM backfill_attempts ORDER BY run_id, slice_index, attempt"),
          db.lines("SELECT * FROM backfill_partitions ORDER BY target, partition_key"),
          db.lines("SELECT * FROM backfill_schema_version")),
          db.lines("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + db.name()
              + "' ORDER BY table_name"));
    }
  }
}
