package dev.backfill;

import static dev.backfill.Fixtures.daily;
import static dev.backfill.Fixtures.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceRecord;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class WorkerTest {
  private final InMemoryStateStore store = new InMemoryStateStore();
  private final TestDestination dest = new TestDestination();

  @Test
  void workersJoiningOneRunShareItsSlicesAndOneOfThemFinishesIt() throws Exception {
    Map<String, Set<String>> committedBy = new ConcurrentHashMap<>();
    Backfill<Row> backfill = daily(source((slice, ctx) -> Thread.sleep(5)), dest).stateStore(store)
        .strategy(WriteStrategy.append()).build();
    BackfillPlan plan = backfill.plan(PartitionRange.of("2024-03-01", "2024-04-29"));

    BackfillRun creator = backfill.execute(plan, options("creator", committedBy));
    BackfillRun second = backfill.worker(creator.runId(), options("second", committedBy));
    RunReport a = creator.await();
    RunReport b = second.await();

    RunReport history = backfill.report(creator.runId());
    assertThat(history.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(history.count(SliceStatus.SUCCEEDED)).isEqualTo(60);
    // append is not idempotent: any slice committed twice would show up as duplicate rows
    assertThat(dest.rows()).hasSize(120).doesNotHaveDuplicates();
    assertThat(committedBy.get("creator")).isNotEmpty();
    assertThat(committedBy.get("second")).isNotEmpty();
    assertThat(committedBy.get("creator")).doesNotContainAnyElementsOf(committedBy.get("second"));
    assertThat(java.util.List.of(a.message(), b.message())).filteredOn(m -> m.contains("finished by another worker")).hasSize(1);
  }

  @Test
  void joiningWorkerReclaimsASliceWhoseWorkerDiedAfterItsLeaseExpired() throws Exception {
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch cancelled = new java.util.concurrent.CountDownLatch(1);
    Backfill<Row> backfill = daily(source((s, c) -> {
      started.countDown();
      cancelled.await();
    }), dest).stateStore(store).build();
    BackfillPlan plan = backfill.plan(PartitionRange.of("2024-03-01", "2024-03-03"));
    BackfillRun run = backfill.execute(plan, ExecutionOptions.builder().maxConcurrency(1).build());
    started.await();
    run.cancel(CancelMode.GRACEFUL);
    cancelled.countDown();
    assertThat(run.await().committed()).hasSize(1);
    // A worker of another process claims the next slice with a one-second lease, then dies.
    SliceLease dead = store.claim(run.runId(), "dead-worker", Duration.ofSeconds(1)).orElseThrow();
    store.updateRun(run.runId(), RunStatus.RUNNING, null, "");

    RunReport report = backfill.worker(run.runId(), ExecutionOptions.builder().workerId("rescuer").build()).await();

    SliceRecord reclaimed = store.slices(run.runId()).get(dead.index());
    assertThat(reclaimed.status()).isEqualTo(SliceStatus.SUCCEEDED);
    assertThat(reclaimed.worker()).isEqualTo("rescuer");
    assertThat(reclaimed.attempt()).isEqualTo(dead.attempt() + 1);
    assertThat(reclaimed.version()).isGreaterThan(dead.version());
    assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(Fixtures.days(dest.rows())).containsExactly("2024-03-01", "2024-03-02", "2024-03-03");
  }

  @Test
  void joiningAFinishedRunDoesNothingAndJoiningAnUnknownRunFails() {
    Backfill<Row> backfill = daily(source((s, c) -> { }), dest).stateStore(store).build();
    RunReport done = backfill.execute(backfill.plan(PartitionRange.single("2024-03-01"))).await();

    RunReport joined = backfill.worker(done.runId(), ExecutionOptions.defaults()).await();

    assertThat(joined.message()).isEqualTo("run " + done.runId() + " is SUCCEEDED; nothing to join");
    assertThatThrownBy(() -> backfill.worker("run-missing", ExecutionOptions.defaults()))
        .isInstanceOf(UnknownRunException.class).hasMessageContaining("unknown run id 'run-missing'");
  }

  private static ExecutionOptions options(String worker, Map<String, Set<String>> committedBy) {
    return ExecutionOptions.builder().workerId(worker).maxConcurrency(2).listener(e -> {
      if (e instanceof dev.backfill.event.BackfillEvent.SliceSucceeded s) {
        committedBy.computeIfAbsent(worker, w -> ConcurrentHashMap.newKeySet()).add(s.sliceKey());
      }
    }).build();
  }
}
