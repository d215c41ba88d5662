package dev.backfill.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.BackfillRun;
import dev.backfill.ExecutionOptions;
import dev.backfill.InvalidConfigurationException;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunGuard;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.SliceStatus;
import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.JdbcDestination;
import dev.backfill.jdbc.TestDatabase;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.RunCommit;
import dev.backfill.spi.RunContext;
import dev.backfill.spi.RunOutcome;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SourceNode;
import dev.backfill.spi.StateStore;
import dev.backfill.testkit.ForwardingDestination;
import dev.backfill.testkit.ForwardingStateStore;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * A run's status tells the truth (issue 14, item 8): a run that is refused never exists, a run that
 * cannot start or whose table vanished ends FAILED with a message and no slice left pending or running,
 * values longer than the state store's columns are refused before anything is written with a message
 * naming the field and its limit, and every worker of a shared run reports the run's final status.
 */
abstract class AbstractRunTruthTest extends EngineFixture {
  private static final PartitionRange FIVE_DAYS = PartitionRange.of("2024-01-01", "2024-01-05");
  private static final ExecutionOptions OPTIONS = ExecutionOptions.builder().maxConcurrency(2)
      .retry(RetryPolicy.exponential(2, Duration.ofMillis(10))).build();

  @ParameterizedTest
  @EnumSource(value = DailyTarget.Kind.class, names = {"REBUILD", "OVERWRITE"})
  void aTableThatDoesNotExistIsRefusedWhenPlanningAndNothingIsWritten(DailyTarget.Kind kind) {
    DailyTarget target = new DailyTarget(db.dataSource(), "no_such_table", kind, 3);
    Backfill<Row> backfill = target.backfill(new GeneratedSource("v2", 3, 0), store);
    StoreState before = StoreState.of(db);

    Throwable refused = catchThrowable(() -> backfill.plan(FIVE_DAYS, DailyTarget.planOptions(target)));

    assertThat(refused).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("no_such_table").hasMessageContaining("does not exist");
    assertThat(StoreState.of(db)).as("state store and table list after the refusal").isEqualTo(before);
    assertThat(store.runs("no_such_table")).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(value = DailyTarget.Kind.class, names = {"REBUILD", "OVERWRITE"})
  void aTableDroppedBetweenPlanAndExecuteIsRefusedBeforeARunExists(DailyTarget.Kind kind) {
    DailyTarget target = new DailyTarget(db.dataSource(), "dropped", kind, 3);
    target.create();
    Backfill<Row> backfill = target.backfill(new GeneratedSource("v2", 3, 0), store);
    BackfillPlan plan = backfill.plan(FIVE_DAYS, DailyTarget.planOptions(target));
    db.exec("DROP TABLE " + db.q("dropped"));
    StoreState before = StoreState.of(db);

    Throwable refused = catchThrowable(() -> backfill.execute(plan, OPTIONS));

    assertThat(refused).isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("dropped")
        .hasMessageContaining("does not exist");
    assertThat(StoreState.of(db)).as("state store after the refusal").isEqualTo(before);
  }

  /**
   * The table goes away after execute checked it, while the run starts (a host's guard drops it, as a
   * concurrent deploy would): the run ends FAILED, says why, and leaves nothing pending or running, so
   * nobody waits for it; the target is free for the next run.
   */
  @ParameterizedTest
  @EnumSource(value = DailyTarget.Kind.class, names = {"REBUILD", "OVERWRITE"})
  void aTableDroppedWhileTheRunStartsEndsTheRunFailedWithAMessageAndNothingPending(DailyTarget.Kind kind) {
    DailyTarget target = new DailyTarget(db.dataSource(), "vanishing", kind, 3);
    target.create();
    RunGuard dropper = new RunGuard() {
      @Override
      public void beforeRun(GuardedRun run) {
        db.exec("DROP TABLE " + db.q("vanishing"));
      }

      @Override
      public void afterRun(GuardedRun run, RunStatus status) {}
    };
    Backfill<Row> backfill = Backfill.builder("vanishing").partitioning(DailyTarget.DAILY)
        .source(new GeneratedSource("v2", 3, 0)).destination(JdbcDestination.table(db.dataSource(), "vanishing"))
        .strategy(kind.strategy()).guard(dropper).stateStore(store).logicVersion("v2").build();
    BackfillPlan plan = backfill.plan(FIVE_DAYS, DailyTarget.planOptions(target));

    Throwable thrown = catchThrowable(() -> backfill.execute(plan, OPTIONS.toBuilder().runId("vanishing-1").build())
        .await(Duration.ofSeconds(60)));

    RunRecord run = store.run("vanishing-1").orElseThrow();
    assertThat(run.status()).as("status of the run (%s; thrown: %s)", run.message(), thrown).isEqualTo(RunStatus.FAILED);
    assertThat(run.message()).as("message of the FAILED run").isNotBlank();
    assertThat(run.finishedAt()).as("end of the FAILED run").isNotNull();
    assertThat(store.slices("vanishing-1")).as("slices of the FAILED run").hasSize(5)
        .noneMatch(s -> s.status() == SliceStatus.PENDING || s.status() == SliceStatus.RUNNING);
    assertThat(store.targetLease("vanishing")).as("hold on the target after the run ended").isEmpty();
  }

  private record TooLong(String field, int limit, Supplier<BackfillRun> attempt) {}

  @Test
  void valuesLongerThanTheStoresColumnsAreRefusedNamingTheFieldAndItsLimitAndNothingIsWritten() {
    db.exec("CREATE TABLE regions (" + db.q("key") + " VARCHAR(400) NOT NULL, amount BIGINT NOT NULL)");
    DailyTarget daily = new DailyTarget(db.dataSource(), "orders", DailyTarget.Kind.OVERWRITE, 3);
    daily.create();
    String longKey = "k".repeat(300);
    String longName = "t" + "x".repeat(299);
    List<TooLong> cases = List.of(
        new TooLong("partition key", 255, () -> {
          Backfill<Row> keys = keyed("regions", Partitioning.keys("eu", longKey), "v2");
          return keys.execute(keys.plan(PartitionRange.of("eu", longKey)), OPTIONS);
        }),
        // the options refuse it first, at their own limit
        new TooLong("workerId", 200, () -> {
          Backfill<Row> b = daily.backfill(new GeneratedSource("v2", 3, 0), store);
          return b.execute(b.plan(FIVE_DAYS), OPTIONS.toBuilder().workerId("w".repeat(300)).build());
        }),
        new TooLong("logic version", 255, () -> {
          Backfill<Row> b = keyed("regions", Partitioning.keys("eu", "us"), "v".repeat(300));
          return b.execute(b.plan(PartitionRange.of("eu", "us")), OPTIONS);
        }),
        new TooLong("target", 255, () -> {
          Backfill<Row> b = Backfill.builder(longName).partitioning(Partitioning.keys("eu", "us"))
              .source(keySource()).destination(JdbcDestination.table(db.dataSource(), "regions"))
              .strategy(WriteStrategy.append()).stateStore(store).logicVersion("v2").build();
          return b.execute(b.plan(PartitionRange.of("eu", "us")), OPTIONS);
        }));
    StoreState before = StoreState.of(db);
    List<String> regionsBefore = db.lines("SELECT * FROM regions");
    List<String> ordersBefore = daily.lines();
    for (TooLong c : cases) {
      Throwable refused = catchThrowable(() -> c.attempt().get().await(Duration.ofSeconds(60)));
      assertThat(refused).as(c.field()).isInstanceOf(InvalidConfigurationException.class);
      assertThat(refused.getMessage()).as("message for a %s of 300 characters", c.field())
          .contains(c.field()).contains(String.valueOf(c.limit()));
      assertThat(StoreState.of(db)).as("state store after a %s of 300 characters", c.field()).isEqualTo(before);
      assertThat(db.lines("SELECT * FROM regions")).isEqualTo(regionsBefore);
      assertThat(daily.lines()).isEqualTo(ordersBefore);
    }
  }

  /**
   * Three sessions work one run (the first executes it, two join it with {@code Backfill.worker}),
   * each with its own worker id: every one's report shows the run's final status.
   */
  @Test
  void everyWorkerOfAThreeWorkerRunReportsTheRunsFinalStatus() throws Exception {
    DailyTarget target = new DailyTarget(db.dataSource(), "shared", DailyTarget.Kind.OVERWRITE, 3);
    target.create();
    PartitionRange range = PartitionRange.of("2024-01-01", "2024-01-18");
    List<Backfill<Row>> sessions = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sessions.add(target.backfill(new GeneratedSource("v2", 3, 40), store));
    }
    ExecutionOptions base = ExecutionOptions.builder().maxConcurrency(1).leaseTime(Duration.ofSeconds(10)).build();
    BackfillRun first = sessions.get(0).execute(sessions.get(0).plan(range),
        base.toBuilder().runId("three").workerId("w1").build());
    BackfillRun second = sessions.get(1).worker("three", base.toBuilder().workerId("w2").build());
    BackfillRun third = sessions.get(2).worker("three", base.toBuilder().workerId("w3").build());
    List<RunReport> reports = List.of(first.await(Duration.ofSeconds(60)), second.await(Duration.ofSeconds(60)),
        third.await(Duration.ofSeconds(60)));

    assertThat(store.run("three").orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
    for (int i = 0; i < reports.size(); i++) {
      RunReport r = reports.get(i);
      assertThat(r.status()).as("status in the report of worker w%d: %s", i + 1, r.summary()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(r.succeeded()).as("succeeded() of worker w%d", i + 1).isTrue();
    }
    for (LocalDate day : days(range)) {
      assertThat(target.linesByDay().get(day)).as("day %s", day).isEqualTo(target.expectedAfter(day, "v2"));
    }
  }

  /**
   * A worker that joins while another finishes the run (its status FINISHING) reports how the run
   * ended, not FINISHING: the finishing worker is held inside the destination's end of the run until
   * the joining worker has read the run.
   */
  @Test
  void aWorkerJoiningWhileTheRunFinishesReportsTheFinalStatus() throws Exception {
    DailyTarget target = new DailyTarget(db.dataSource(), "finishing", DailyTarget.Kind.OVERWRITE, 3);
    target.create();
    CountDownLatch finishing = new CountDownLatch(1);
    CountDownLatch joinerLooked = new CountDownLatch(1);
    Backfill<Row> finisher = target.backfillWrapped(new GeneratedSource("v2", 3, 0), store, d -> new HeldFinish(d,
        finishing, joinerLooked));
    StateStore watched = new ForwardingStateStore(store) {
      @Override
      public Optional<RunRecord> run(String runId) {
        Optional<RunRecord> r = super.run(runId);
        if (r.isPresent() && r.get().status() == RunStatus.FINISHING) {
          joinerLooked.countDown();
        }
        return r;
      }
    };
    Backfill<Row> joiner = target.backfill(new GeneratedSource("v2", 3, 0), watched);
    ExecutionOptions options = ExecutionOptions.builder().maxConcurrency(2).leaseTime(Duration.ofSeconds(10)).build();
    BackfillRun run = finisher.execute(finisher.plan(FIVE_DAYS), options.toBuilder().runId("finishing-1").workerId("w1").build());
    assertThat(finishing.await(60, TimeUnit.SECONDS)).as("the run reached its end").isTrue();
    assertThat(store.run("finishing-1").orElseThrow().status()).isEqualTo(RunStatus.FINISHING);

    CompletableFuture<RunReport> joined = CompletableFuture.supplyAsync(() -> {
      try {
        return joiner.worker("finishing-1", options.toBuilder().workerId("w2").build()).await(Duration.ofSeconds(60));
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException(e);
      }
    }, runnable -> new Thread(runnable, "late-worker").start());
    RunReport finished = run.await(Duration.ofSeconds(60));
    RunReport late = joined.get(60, TimeUnit.SECONDS);

    assertThat(finished.status()).as(finished.summary()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(late.status()).as("the late worker's report: %s", late.summary()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(late.succeeded()).isTrue();
  }

  /** Holds the run's end until a joining worker has seen the run FINISHING (at most 30 s). */
  private static final class HeldFinish extends ForwardingDestination<Row> {
    private final CountDownLatch finishing;
    private final CountDownLatch joinerLooked;

    HeldFinish(DestinationNode<Row> delegate, CountDownLatch finishing, CountDownLatch joinerLooked) {
      super(delegate);
      this.finishing = finishing;
      this.joinerLooked = joinerLooked;
    }

    @Override
    public void finishRun(RunContext run, RunOutcome outcome, RunCommit commit) throws Exception {
      finishing.countDown();
      joinerLooked.await(30, TimeUnit.SECONDS);
      super.finishRun(run, outcome, commit);
    }
  }

  private Backfill<Row> keyed(String table, Partitioning partitioning, String logicVersion) {
    return Backfill.builder(table).partitioning(partitioning).source(keySource())
        .destination(JdbcDestination.table(db.dataSource(), table)).strategy(WriteStrategy.append())
        .stateStore(store).logicVersion(logicVersion).build();
  }

  private static SourceNode<Row> keySource() {
    Row.Header header = Row.header(List.of("key", "amount"));
    return (slice, context, sink) -> slice.partitions().forEach(p -> sink.accept(header.row(p.key().value(), 1L)));
  }

  private static List<LocalDate> days(PartitionRange range) {
    List<LocalDate> days = new ArrayList<>();
    for (LocalDate d = LocalDate.parse(range.start()); !d.isAfter(LocalDate.parse(range.end())); d = d.plusDays(1)) {
      days.add(d);
    }
    return days;
  }

  /** Every row of the state store's tables and the namespace's table list. */
  record StoreState(List<List<String>> store, List<String> tables) {
    static StoreState of(TestDatabase db) {
      List<List<String>> rows = new ArrayList<>();
      for (String t : List.of("backfill_runs", "backfill_slices", "backfill_attempts", "backfill_partitions",
          "backfill_targets", "backfill_schema_version")) {
        rows.add(db.lines("SELECT * FROM " + t + " ORDER BY 1"));
      }
      String schema = db.engine() == TestDatabase.Engine.H2 ? "PUBLIC" : db.name();
      return new StoreState(rows, db.lines("SELECT table_name FROM information_schema.tables WHERE table_schema = '"
          + schema + "' ORDER BY table_name"));
    }
  }
}
