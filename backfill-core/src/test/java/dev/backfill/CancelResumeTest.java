package dev.backfill;

import static dev.backfill.Fixtures.MARCH;
import static dev.backfill.Fixtures.daily;
import static dev.backfill.Fixtures.days;
import static dev.backfill.Fixtures.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.spi.LeaseLostException;
import dev.backfill.spi.ResourceProvider;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceOutcome;
import dev.backfill.spi.StateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CancelResumeTest {
  private final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();
  private final TestDestination dest = new TestDestination();

  private void countRead(Slice slice) {
    reads.computeIfAbsent(slice.key(), k -> new AtomicInteger()).incrementAndGet();
  }

  @Test
  void gracefulCancelLetsRunningSlicesFinishAndStartsNoNewOne() throws Exception {
    CountDownLatch twoRunning = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<BackfillRun> run = new AtomicReference<>();
    Backfill<Row> backfill = daily(source((slice, ctx) -> {
      countRead(slice);
      if (slice.index() < 2) {
        twoRunning.countDown();
        release.await();
      }
    }), dest).build();

    run.set(backfill.execute(backfill.plan(MARCH), ExecutionOptions.builder().maxConcurrency(2).build()));
    assertThat(twoRunning.await(10, TimeUnit.SECONDS)).isTrue();
    run.get().cancel(CancelMode.GRACEFUL);
    release.countDown();
    RunReport report = run.get().await();

    assertThat(report.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(report.committed()).extracting(SliceReport::key).containsExactly("2024-03-01", "2024-03-02");
    assertThat(report.count(SliceStatus.PENDING)).isEqualTo(29);
    assertThat(report.message()).contains("cancelled (GRACEFUL)", "29 slice(s) did not commit");
    assertThat(days(dest.rows())).containsExactly("2024-03-01", "2024-03-02");
    assertThat(reads).containsOnlyKeys("2024-03-01", "2024-03-02");

    RunReport resumed = backfill.resume(report.runId()).await();

    assertThat(resumed.succeeded()).isTrue();
    assertThat(days(dest.rows())).hasSize(31);
    assertThat(reads.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    assertThat(reads).hasSize(31);
  }

  @Test
  void immediateCancelRollsBackRunningSlicesAndResumeRunsExactlyTheRest() throws Exception {
    CountDownLatch twoRunning = new CountDownLatch(2);
    AtomicInteger blocked = new AtomicInteger(1);
    Backfill<Row> backfill = Backfill.builder("orders")
        .partitioning(Partitioning.daily(java.time.ZoneOffset.UTC))
        .<Row>source((slice, ctx, sink) -> {
          countRead(slice);
          Object day = slice.tokens().get("start_date");
          sink.accept(Row.of("day", day, "id", day + "#1", "amount", 1L));
          if (blocked.get() == 1 && slice.index() < 2) {
            twoRunning.countDown();
            Thread.sleep(60_000);
          }
        })
        .destination(dest)
        .strategy(WriteStrategy.overwritePartition("day"))
        .sleeper(Fixtures.NO_WAIT)
        .build();

    BackfillRun run = backfill.execute(backfill.plan(MARCH), ExecutionOptions.builder().maxConcurrency(2)
        .writeBatchSize(1).build());
    assertThat(twoRunning.await(10, TimeUnit.SECONDS)).isTrue();
    run.cancel(CancelMode.IMMEDIATE);
    RunReport report = run.await(Duration.ofSeconds(10));

    assertThat(report.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(report.withStatus(SliceStatus.CANCELLED)).extracting(SliceReport::key)
        .containsExactly("2024-03-01", "2024-03-02");
    assertThat(report.committed()).isEmpty();
    assertThat(dest.rows()).isEmpty();

    blocked.set(0);
    RunReport resumed = backfill.resume(report.runId()).await();

    assertThat(resumed.succeeded()).isTrue();
    assertThat(days(dest.rows())).hasSize(31);
    assertThat(reads.get("2024-03-01").get()).isEqualTo(2);
    assertThat(reads.get("2024-03-02").get()).isEqualTo(2);
    assertThat(reads.get("2024-03-03").get()).isEqualTo(1);
  }

  @Test
  void resumeAfterACrashRunsSlicesLeftRunningAndNeverACommittedOne() throws Exception {
    InMemoryStateStore store = new InMemoryStateStore();
    CountDownLatch fiveDone = new CountDownLatch(5);
    AtomicReference<BackfillRun> run = new AtomicReference<>();
    // events reach listeners on a thread of their own: slices past the eighth wait for the cancel, or
    // a fast run could end before the listener sees the fifth success and leave nothing to resume
    AtomicInteger readsStarted = new AtomicInteger();
    CountDownLatch cancelled = new CountDownLatch(1);
    Backfill<Row> backfill = daily(source((slice, ctx) -> {
      if (readsStarted.incrementAndGet() > 8) {
        cancelled.await();
      }
      countRead(slice);
    }), dest).stateStore(store).build();
    CountDownLatch started = new CountDownLatch(1);
    run.set(backfill.execute(backfill.plan(MARCH), ExecutionOptions.builder()
        .listener(e -> {
          if (e instanceof dev.backfill.event.BackfillEvent.SliceSucceeded) {
            fiveDone.countDown();
            if (fiveDone.getCount() == 0) {
              await(started);
              run.get().cancel(CancelMode.GRACEFUL);
              cancelled.countDown();
            }
          }
        }).build()));
    started.countDown();
    RunReport first = run.get().await();
    int committed = first.committed().size();
    assertThat(committed).isGreaterThanOrEqualTo(5);

    // A crashed process: it claimed two slices (RUNNING, lease held) and died before finishing them.
    SliceLease crashedA = store.claim(first.runId(), "dead-worker", Duration.ofHours(1)).orElseThrow();
    SliceLease crashedB = store.claim(first.runId(), "dead-worker", Duration.ofHours(1)).orElseThrow();
    assertThat(backfill.report(first.runId()).count(SliceStatus.RUNNING)).isEqualTo(2);
    reads.clear();

    RunReport resumed = backfill.resume(first.runId()).await();

    assertThat(resumed.succeeded()).isTrue();
    assertThat(days(dest.rows())).hasSize(31);
    assertThat(reads).hasSize(31 - committed);
    assertThat(reads).containsKeys(first.slices().get(crashedA.index()).key(), first.slices().get(crashedB.index()).key());
    assertThat(reads.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    first.committed().forEach(s -> assertThat(reads).doesNotContainKey(s.key()));
    // The dead worker's lease is fenced off: it can never commit that slice now.
    assertThatThrownBy(() -> store.complete(crashedA, new SliceOutcome(SliceStatus.SUCCEEDED, 2, Instant.now(),
        Instant.now(), null, List.of(), null), ResourceProvider.NONE)).isInstanceOf(LeaseLostException.class)
        .hasMessageContaining("dead-worker");
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void resumingAFinishedRunIsANoOpThatSaysSo() {
    Backfill<Row> backfill = daily(source((slice, ctx) -> countRead(slice)), dest).build();
    RunReport done = backfill.execute(backfill.plan(PartitionRange.of("2024-03-01", "2024-03-03"))).await();
    reads.clear();

    RunReport again = backfill.resume(done.runId()).await();

    assertThat(again.succeeded()).isTrue();
    assertThat(again.message()).isEqualTo("run " + done.runId() + " already succeeded; nothing to resume");
    assertThat(reads).isEmpty();
  }

  @Test
  void resumingAnUnknownRunOrARunOfAnotherTargetFailsClearly() {
    StateStore store = new InMemoryStateStore();
    Backfill<Row> orders = daily(source((s, c) -> { }), dest).stateStore(store).build();
    Backfill<Row> refunds = Backfill.builder("refunds").partitioning(Partitioning.daily(java.time.ZoneOffset.UTC))
        .source(source((s, c) -> { })).destination(new TestDestination()).stateStore(store).build();
    RunReport ordersRun = orders.execute(orders.plan(PartitionRange.single("2024-03-01"))).await();

    assertThatThrownBy(() -> orders.resume("run-nope"))
        .isInstanceOf(UnknownRunException.class).hasMessageContaining("unknown run id 'run-nope' for target orders");
    assertThatThrownBy(() -> refunds.resume(ordersRun.runId()))
        .isInstanceOf(UnknownRunException.class)
        .hasMessageContaining("run '" + ordersRun.runId() + "' belongs to target orders, not refunds");
  }
}
