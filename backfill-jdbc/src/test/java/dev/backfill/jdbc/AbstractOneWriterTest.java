package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.BackfillRun;
import dev.backfill.DestinationLock;
import dev.backfill.DestinationLockedException;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.PlanOptions;
import dev.backfill.Row;
import dev.backfill.RunGuard;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.Selection;
import dev.backfill.TargetBusyException;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.RecordSink;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SourceNode;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One writer per target, on one engine: a second run of a target while one is active is refused
 * naming the holder, or waits when asked; partitions in flight are not planned again; a run whose
 * process stalled keeps the target until it is resumed or marked failed, and once another run took
 * the target the stalled run cannot commit. The destination lock is shared with the host's other
 * writers, and run guards always leave in reverse order.
 */
abstract class AbstractOneWriterTest extends EngineTest {
  static final PartitionRange DAYS = PartitionRange.of("2024-01-01", "2024-01-06");

  /** A source of 2 rows a day whose first read of one day waits until released. */
  static final class HeldSource implements SourceNode<Row> {
    final CountDownLatch reached = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final String heldDay;
    final java.util.concurrent.atomic.AtomicBoolean holding = new java.util.concurrent.atomic.AtomicBoolean(true);

    HeldSource(String heldDay) {
      this.heldDay = heldDay;
    }

    @Override
    public void read(dev.backfill.Slice slice, SliceContext ctx, RecordSink<? super Row> sink) throws Exception {
      LocalDate day = (LocalDate) slice.tokens().get("start_date");
      if (day.toString().equals(heldDay) && holding.getAndSet(false)) {
        reached.countDown();
        release.await(60, TimeUnit.SECONDS);
      }
      for (long i = 0; i < 2; i++) {
        sink.accept(Row.of("day", day, "id", day.getDayOfMonth() * 10L + i, "note", "v"));
      }
    }
  }

  void createTable() {
    db.exec("CREATE TABLE t (" + db.q("day") + " DATE NOT NULL, id BIGINT NOT NULL, note VARCHAR(20) NOT NULL)");
  }

  Backfill<Row> backfill(SourceNode<Row> source, RunGuard... guards) {
    Backfill.Builder<Row> b = Backfill.builder("t").partitioning(Partitioning.daily(ZoneOffset.UTC).named("day"))
        .source(source).destination(JdbcDestination.table(db.dataSource(), "t"))
        .strategy(WriteStrategy.overwritePartition("day")).stateStore(store);
    for (RunGuard g : guards) {
      b.guard(g);
    }
    return b.build();
  }

  @Test
  void aSecondRunOfAnActiveTargetIsRefusedNamingTheHolderAndNothingIsWritten() throws Exception {
    createTable();
    HeldSource held = new HeldSource("2024-01-03");
    Backfill<Row> backfill = backfill(held);
    BackfillRun first = backfill.execute(backfill.plan(DAYS), ExecutionOptions.builder().workerId("first-worker").build());
    assertThat(held.reached.await(30, TimeUnit.SECONDS)).isTrue();

    BackfillPlan again = backfill.plan(DAYS, PlanOptions.defaults().select(Selection.RESTATE));
    assertThatThrownBy(() -> backfill.execute(again))
        .isInstanceOf(TargetBusyException.class)
        .hasMessageContainingAll("target t is being written by run " + first.runId(), "worker first-worker", "since",
            "one run writes a target at a time");
    assertThat(store.runs("t")).as("no second run was created").hasSize(1);

    held.release.countDown();
    assertThat(first.await().status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(backfill.execute(again).await().status()).as("once the first ended").isEqualTo(RunStatus.SUCCEEDED);
    assertThat(db.count("SELECT COUNT(*) FROM t")).isEqualTo(12);
  }

  @Test
  void aSecondRunAskedToWaitStartsWhenTheFirstEnds() throws Exception {
    createTable();
    HeldSource held = new HeldSource("2024-01-02");
    Backfill<Row> backfill = backfill(held);
    BackfillRun first = backfill.execute(backfill.plan(DAYS));
    assertThat(held.reached.await(30, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<RunReport> second = CompletableFuture.supplyAsync(() -> backfill.execute(
        backfill.plan(DAYS, PlanOptions.defaults().select(Selection.RESTATE)),
        ExecutionOptions.builder().waitForTarget(Duration.ofSeconds(60)).build()).await());
    Thread.sleep(300);
    assertThat(second).as("waits while the first holds the target").isNotDone();
    held.release.countDown();

    assertThat(first.await().status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(second.get(60, TimeUnit.SECONDS).status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(db.count("SELECT COUNT(*) FROM t")).as("overwrite: one run's rows").isEqualTo(12);
  }

  @Test
  void partitionsInFlightInAnotherRunAreNotPlannedAgain() throws Exception {
    createTable();
    HeldSource held = new HeldSource("2024-01-01");
    Backfill<Row> backfill = backfill(held);
    BackfillRun first = backfill.execute(backfill.plan(PartitionRange.of("2024-01-01", "2024-01-03")));
    assertThat(held.reached.await(30, TimeUnit.SECONDS)).isTrue();

    BackfillPlan plan = backfill.plan(DAYS);

    assertThat(plan.slices()).extracting(s -> s.key()).containsExactly("2024-01-04", "2024-01-05", "2024-01-06");
    assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("3 partition(s) are in flight in run(s) "
        + first.runId()));
    held.release.countDown();
    first.await();
  }

  @Test
  void aStalledRunKeepsTheTargetUntilMarkedFailedAndThenCannotCommit() throws Exception {
    createTable();
    HeldSource held = new HeldSource("2024-01-01");
    Backfill<Row> backfill = backfill(held);
    BackfillRun stalled = backfill.execute(backfill.plan(PartitionRange.single("2024-01-01")),
        ExecutionOptions.builder().leaseTime(Duration.ofSeconds(1)).build());
    assertThat(held.reached.await(30, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(1500); // its lease would have expired had its heartbeat stopped; it is still RUNNING

    assertThatThrownBy(() -> backfill.execute(backfill.plan(DAYS, PlanOptions.defaults().select(Selection.RESTATE))))
        .isInstanceOf(TargetBusyException.class);
    // an operator marks the stalled run failed; a new run takes the target
    store.updateRun(stalled.runId(), RunStatus.FAILED, store.now(), "marked failed by an operator");
    RunReport taken = backfill.execute(backfill.plan(DAYS, PlanOptions.defaults().select(Selection.RESTATE))).await();
    assertThat(taken.status()).isEqualTo(RunStatus.SUCCEEDED);

    held.release.countDown();
    RunReport late = stalled.await();

    assertThat(late.slice("2024-01-01").orElseThrow().status()).as("the stalled run's slice never commits")
        .isNotEqualTo(dev.backfill.SliceStatus.SUCCEEDED);
    assertThat(db.count("SELECT COUNT(*) FROM t")).as("only the new run's rows").isEqualTo(12);
  }

  @Test
  void theDestinationLockMakesTheRunWaitForTheHostsOtherWriter() {
    createTable();
    Backfill<Row> backfill = backfill(new HeldSource("never"));
    DestinationLock lock = JdbcDestination.table(db.dataSource(), "t").destinationLock();

    try (DestinationLock.Held incrementalLoad = lock.acquire(Duration.ofSeconds(5))) {
      assertThatThrownBy(() -> backfill.execute(backfill.plan(DAYS),
          ExecutionOptions.builder().waitForDestinationLock(Duration.ofMillis(300)).build()))
          .isInstanceOf(DestinationLockedException.class)
          .hasMessageContainingAll("backfill:", ".t'", "held by another writer", "nothing was written");
      assertThat(db.count("SELECT COUNT(*) FROM t")).isZero();
    }
    RunReport report = backfill.execute(backfill.plan(DAYS)).await();
    assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThatCode(() -> lock.acquire(Duration.ZERO).close()).as("released after the run").doesNotThrowAnyException();
  }

  @Test
  void guardsLeaveInReverseOrderWhateverHappens() {
    createTable();
    List<String> calls = new CopyOnWriteArrayList<>();
    RunGuard schedules = guard("schedules", calls, false);
    RunGuard consumers = guard("consumers", calls, false);
    RunGuard refusing = guard("refusing", calls, true);

    Backfill<Row> ok = backfill(new HeldSource("never"), schedules, consumers);
    assertThat(ok.execute(ok.plan(DAYS)).await().status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(calls).containsExactly("before schedules", "before consumers", "after consumers SUCCEEDED",
        "after schedules SUCCEEDED");

    calls.clear();
    Backfill<Row> refused = backfill(new HeldSource("never"), schedules, refusing, consumers);
    assertThatThrownBy(() -> refused.execute(refused.plan(DAYS, PlanOptions.defaults().select(Selection.RESTATE))))
        .hasMessageContaining("refused by the test");
    assertThat(calls).containsExactly("before schedules", "before refusing", "after schedules FAILED");
    assertThat(store.runs("t").get(0).status()).isEqualTo(RunStatus.FAILED);
    assertThat(store.runs("t").get(0).message()).contains("refused by the test");
  }

  private static RunGuard guard(String name, List<String> calls, boolean refuse) {
    return new RunGuard() {
      @Override
      public void beforeRun(GuardedRun run) {
        calls.add("before " + name);
        if (refuse) {
          throw new IllegalStateException("refused by the test");
        }
      }

      @Override
      public void afterRun(GuardedRun run, RunStatus status) {
        calls.add("after " + name + " " + status);
      }
    };
  }
}
