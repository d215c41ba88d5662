package dev.backfill.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.BackfillException;
import dev.backfill.BackfillPlan;
import dev.backfill.BackfillRun;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.SliceCheck;
import dev.backfill.SliceStatus;
import dev.backfill.jdbc.JdbcStateStore;
import dev.backfill.spi.LeaseLostException;
import dev.backfill.spi.ResourceProvider;
import dev.backfill.spi.SliceAttempt;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceOutcome;
import dev.backfill.spi.SliceRecord;
import dev.backfill.testkit.ForwardingStateStore;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Fencing: worker A writes its slice and then pauses right before its commit (a check that blocks
 * stands for a GC pause or a network stall) while its heartbeats do not reach the database (a store
 * wrapper drops its renewals). Its lease expires in database time, worker B takes the slice over
 * (attempt 2) and writes it. When A resumes, the commit of its data and status is rejected with
 * {@link LeaseLostException} inside its transaction and rolled back: the table holds B's rows only
 * and the history one SUCCEEDED attempt, B's.
 *
 * <p>With overwrite, B's delete waits for A's row locks, so A resumes while B is blocked; with
 * append nothing blocks B, so A resumes after B committed.
 */
abstract class AbstractZombieTest extends EngineFixture {
  private static final int ROWS_PER_DAY = 6;
  private static final LocalDate DAY = LocalDate.parse("2024-01-01");
  private static final Duration A_LEASE = Duration.ofSeconds(1);

  @Test
  void aZombieCannotCommitOverTheWorkerThatTookItsSlice() throws Exception {
    zombie(DailyTarget.Kind.OVERWRITE, false);
  }

  @Test
  void aZombieResumingAfterTheNewOwnerCommittedIsRejectedToo() throws Exception {
    zombie(DailyTarget.Kind.APPEND, true);
  }

  private void zombie(DailyTarget.Kind kind, boolean releaseAfterTakeoverCommitted) throws Exception {
    long t0 = System.nanoTime();
    DailyTarget target = new DailyTarget(db.dataSource(), "zombie_" + kind.name().toLowerCase(), kind, ROWS_PER_DAY);
    target.create();
    CountDownLatch paused = new CountDownLatch(1);
    CountDownLatch resume = new CountDownLatch(1);
    SliceCheck pauseBeforeCommit = ctx -> {
      paused.countDown();
      resume.await();
      return new dev.backfill.CheckResult("pause", true, dev.backfill.CheckResult.Severity.ERROR, "resumed");
    };
    PausedWorkerStore zombieStore = new PausedWorkerStore(store);
    Backfill<Row> a = target.backfill(new GeneratedSource("A", ROWS_PER_DAY, 0), zombieStore, pauseBeforeCommit);
    Backfill<Row> b = target.backfill(new GeneratedSource("B", ROWS_PER_DAY, 0), store);

    BackfillPlan plan = a.plan(PartitionRange.single(DAY.toString()));
    BackfillRun runA = a.execute(plan, ExecutionOptions.builder().workerId("A").leaseTime(A_LEASE).build());
    String runId = runA.runId();
    assertThat(paused.await(30, TimeUnit.SECONDS)).as("A reached its commit").isTrue();
    // A's rows are written but not committed: readers still see the old ones.
    assertThat(target.linesByDay().get(DAY)).isEqualTo(target.expectedBefore(DAY));

    SliceRecord held = store.slices(runId).get(0);
    await("A's lease to expire in database time", () -> store.now().isAfter(held.leaseUntil()));
    long pausedMs = (System.nanoTime() - t0) / 1_000_000;
    BackfillRun runB = b.worker(runId, ExecutionOptions.builder().workerId("B").leaseTime(Duration.ofSeconds(10)).build());
    await("B to take the slice over", () -> "B".equals(store.slices(runId).get(0).worker()));
    if (releaseAfterTakeoverCommitted) {
      await("B to commit", () -> store.slices(runId).get(0).status() == SliceStatus.SUCCEEDED);
      assertThat(target.linesByDay().get(DAY)).isEqualTo(target.expectedAfter(DAY, "B"));
    }
    resume.countDown();
    RunReport reportA = runA.await(Duration.ofSeconds(60));
    RunReport reportB = runB.await(Duration.ofSeconds(60));

    // A's commit was refused by the fencing token, inside its own transaction.
    assertThat(zombieStore.rejected).as("A's attempt to record its slice").hasSize(1);
    assertThat(zombieStore.rejected.get(0)).isInstanceOf(LeaseLostException.class)
        .hasMessageContaining("worker A presented token " + held.version());
    assertThat(zombieStore.droppedRenewals).as("heartbeats of A that never reached the database").isPositive();

    // The table and the history are B's.
    assertThat(target.linesByDay().get(DAY)).as("rows of %s after both workers", DAY)
        .isEqualTo(target.expectedAfter(DAY, "B"));
    List<SliceAttempt> history = store.attempts(runId);
    assertThat(history).as("attempt history").filteredOn(h -> h.status() == SliceStatus.SUCCEEDED)
        .singleElement().satisfies(h -> {
          assertThat(h.worker()).isEqualTo("B");
          assertThat(h.attempt()).isEqualTo(2);
        });
    assertThat(history).noneMatch(h -> h.worker().equals("A") && h.status() == SliceStatus.SUCCEEDED);
    assertThat(store.run(runId).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
    System.out.printf("ZOMBIE %s %s: A paused %d ms into the run with lease %d ms and %d dropped heartbeat(s);"
            + " B took over attempt %d; A's commit rejected (%s); table holds B's %d rows; A: %s; B: %s; %d ms%n",
        engine(), kind, pausedMs, A_LEASE.toMillis(), zombieStore.droppedRenewals, store.slices(runId).get(0).attempt(),
        zombieStore.rejected.get(0).getMessage(), ROWS_PER_DAY, reportA.message(), reportB.status(),
        (System.nanoTime() - t0) / 1_000_000);
  }

  /**
   * The state store as worker A sees it during its pause: renewals never arrive (they fail as they
   * would over a stalled network), and the outcome of its completion is kept for the test.
   */
  private static final class PausedWorkerStore extends ForwardingStateStore {
    final List<RuntimeException> rejected = new CopyOnWriteArrayList<>();
    volatile int droppedRenewals;

    PausedWorkerStore(JdbcStateStore delegate) {
      super(delegate);
    }

    @Override
    public Optional<SliceLease> renew(SliceLease lease, Duration leaseTime) {
      droppedRenewals++;
      throw new BackfillException("heartbeat of worker A lost on the way (test: worker paused)");
    }

    @Override
    public void complete(SliceLease lease, SliceOutcome outcome, ResourceProvider transaction) {
      try {
        super.complete(lease, outcome, transaction);
      } catch (RuntimeException e) {
        rejected.add(e);
        throw e;
      }
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
