package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.Backfill;
import dev.backfill.CancelMode;
import dev.backfill.ExecutionOptions;
import dev.backfill.Guarantee;
import dev.backfill.InvalidConfigurationException;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunDetails;
import dev.backfill.RunFilter;
import dev.backfill.RunHistory;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.RunSummary;
import dev.backfill.SliceCheck;
import dev.backfill.SliceHistory;
import dev.backfill.SliceStatus;
import dev.backfill.UnknownRunException;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceRecord;
import dev.backfill.spi.StateStore;
import dev.backfill.testkit.InMemoryDestination;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RunHistory} over one state store: runs across targets, newest first, paged and filtered; a
 * run's details with who started it, its options, every attempt with its error, worker, timings, rows,
 * checks and the log lines captured by the real Logback appender (see logback-test.xml); stalled runs
 * and marking them failed; cancel requests. Subclasses only name the store.
 */
abstract class AbstractRunHistoryTest {
  private static final Logger log = LoggerFactory.getLogger("dev.backfill.jdbc.history.Pipeline");
  private static final Instant T0 = Instant.parse("2024-06-01T10:00:00Z");

  StateStore store;
  RunHistory history;

  /** A fresh, empty store. */
  abstract StateStore createStore();

  /** Drops what {@link #createStore} made. */
  abstract void dropStore();

  /** Waits until the store's clock has passed an instant (leases are measured in the store's time). */
  void waitUntilStoreTimeIsAfter(Instant t) throws InterruptedException {
    while (!store.now().isAfter(t)) {
      Thread.sleep(20);
    }
  }

  @BeforeEach
  void open() {
    store = createStore();
    history = RunHistory.of(store);
  }

  @AfterEach
  void close() {
    dropStore();
  }

  @Test
  void listsRunsAcrossTargetsNewestFirstPagedAndFilteredByStatusAndTime() {
    create("r-1", "orders", RunStatus.SUCCEEDED, T0);
    create("r-2", "refunds", RunStatus.FAILED, T0.plusSeconds(60));
    create("r-3", "orders", RunStatus.FAILED, T0.plusSeconds(120));
    create("r-4", "orders", RunStatus.CANCELLED, T0.plusSeconds(180));

    assertThat(ids(history.runs())).containsExactly("r-4", "r-3", "r-2", "r-1");
    assertThat(ids(history.runs(RunFilter.all().page(0, 3)))).containsExactly("r-4", "r-3", "r-2");
    assertThat(ids(history.runs(RunFilter.all().page(1, 3)))).containsExactly("r-1");
    assertThat(ids(history.runs(RunFilter.all().target("orders").status(RunStatus.FAILED, RunStatus.SUCCEEDED))))
        .containsExactly("r-3", "r-1");
    assertThat(ids(history.runs(RunFilter.all().createdSince(T0.plusSeconds(60)).createdBefore(T0.plusSeconds(180)))))
        .containsExactly("r-3", "r-2");
    RunSummary r3 = history.summary("r-3").orElseThrow();
    assertThat(r3.counts()).containsEntry(SliceStatus.PENDING, 2);
    assertThat(r3.stalled()).isFalse();
    assertThatThrownBy(() -> RunFilter.all().page(0, 0)).isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("limit 0 is not allowed; expected 1 to 1000 runs per page");
    assertThatThrownBy(() -> history.run("r-missing")).isInstanceOf(UnknownRunException.class)
        .hasMessageContaining("'r-missing'");
  }

  @Test
  void aRunShowsWhoStartedItItsOptionsAttemptsErrorsChecksAndTheLogLinesOfEachAttempt() {
    AtomicInteger calls = new AtomicInteger();
    Backfill<Row> backfill = Backfill.builder("mart.daily")
        .partitioning(Partitioning.daily(ZoneOffset.UTC))
        .<Row>source((slice, ctx, sink) -> {
          LocalDate day = (LocalDate) slice.tokens().get("start_date");
          log.info("reading {} as etl with password=hunter2", day);
          if (day.getDayOfMonth() == 2 && calls.incrementAndGet() == 1) {
            log.warn("deadlock on {}, the executor retries", day);
            throw new SQLTransientConnectionException("connection reset by <peer>", "08006");
          }
          if (day.getDayOfMonth() == 3) {
            throw new IllegalStateException("no such table: <events>");
          }
          for (int i = 0; i < day.getDayOfMonth(); i++) {
            sink.accept(Row.of("day", day, "id", i));
          }
        })
        .destination(InMemoryDestination.create())
        .strategy(WriteStrategy.overwritePartition("day"))
        .check(SliceCheck.minRows(1))
        .stateStore(store)
        .build();

    RunReport report = backfill.execute(backfill.plan(PartitionRange.of("2024-03-01", "2024-03-04")),
        ExecutionOptions.builder().maxConcurrency(2).workerId("worker-a")
            .retry(RetryPolicy.exponential(3, Duration.ofMillis(1)).jitter(0)).build()).await();
    RunDetails run = history.run(report.runId());

    assertThat(run.summary().status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.summary().counts()).containsEntry(SliceStatus.SUCCEEDED, 3).containsEntry(SliceStatus.FAILED, 1);
    assertThat(run.summary().startedBy()).startsWith(System.getProperty("user.name") + "@");
    assertThat(run.options()).containsEntry("maxConcurrency", "2").containsEntry("workerId", "worker-a");
    assertThat(run.environment()).isEqualTo("default");
    assertThat(run.planDescription()).contains("2024-03-01");
    assertThat(run.rows()).isEqualTo(1 + 2 + 4);
    assertThat(run.retries()).isEqualTo(1);

    SliceHistory retried = run.slice("2024-03-02").orElseThrow();
    assertThat(retried.status()).isEqualTo(SliceStatus.SUCCEEDED);
    assertThat(retried.worker()).isEqualTo("worker-a");
    assertThat(retried.rows()).isEqualTo(2);
    assertThat(retried.checks()).singleElement().asString().contains("minRows");
    assertThat(retried.duration()).isPresent();
    assertThat(retried.attempts()).extracting(SliceHistory.Attempt::number, SliceHistory.Attempt::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, SliceStatus.FAILED),
            org.assertj.core.groups.Tuple.tuple(2, SliceStatus.SUCCEEDED));
    assertThat(retried.attempts().get(0).error()).contains("08006", "connection reset by <peer>");
    assertThat(retried.attempts().get(0).logExcerpt())
        .contains("reading 2024-03-02 as etl with password=***", "deadlock on 2024-03-02")
        .doesNotContain("hunter2", "2024-03-01");
    assertThat(retried.attempts().get(1).logExcerpt()).contains("reading 2024-03-02").doesNotContain("deadlock");
    assertThat(retried.logExcerpt()).isEqualTo(retried.attempts().get(1).logExcerpt());

    SliceHistory failed = run.slice("2024-03-03").orElseThrow();
    assertThat(failed.status()).isEqualTo(SliceStatus.FAILED);
    assertThat(failed.error()).contains("no such table: <events>");
    assertThat(failed.attempts()).singleElement().satisfies(a -> assertThat(a.logExcerpt()).contains("reading 2024-03-03"));
    assertThat(history.log(report.runId(), "2024-03-02").orElseThrow())
        .contains("--- attempt 1 (FAILED, worker worker-a) ---", "--- attempt 2 (SUCCEEDED, worker worker-a) ---");
    assertThat(history.runsOf("mart.daily")).extracting(RunSummary::runId).containsExactly(report.runId());
    assertThat(backfill.runs()).isEqualTo(history.runsOf("mart.daily"));
  }

  @Test
  void aRunWhoseWorkersStoppedIsStalledSinceItsLastHeartbeatOrLeaseAndCanBeMarkedFailed() throws Exception {
    create("r-dead", "orders", RunStatus.RUNNING, T0);
    store.heartbeat("r-dead", "w-1", Duration.ofMillis(300));
    SliceLease lease = store.claim("r-dead", "w-1", Duration.ofMillis(400)).orElseThrow();
    assertThat(history.summary("r-dead").orElseThrow().stalled()).isFalse();
    assertThatThrownBy(() -> history.markFailed("r-dead", "ops")).isInstanceOf(IllegalStateException.class)
        .hasMessage("run r-dead is RUNNING: a worker is alive; cancel it instead");

    waitUntilStoreTimeIsAfter(lease.leaseUntil());

    RunSummary stalled = history.summary("r-dead").orElseThrow();
    assertThat(stalled.state()).isEqualTo("STALLED");
    assertThat(stalled.stalledSince()).isEqualTo(lease.leaseUntil());
    assertThat(history.runs(RunFilter.all().status(RunStatus.RUNNING))).extracting(RunSummary::state)
        .containsExactly("STALLED");
    RunSummary marked = history.markFailed("r-dead", "alice");
    assertThat(marked.status()).isEqualTo(RunStatus.FAILED);
    assertThat(marked.stalled()).isFalse();
    assertThat(marked.message()).startsWith("marked failed by alice: stalled since " + lease.leaseUntil());
    assertThatThrownBy(() -> history.markFailed("r-dead", "alice")).isInstanceOf(IllegalStateException.class)
        .hasMessage("run r-dead is FAILED; only a stalled run can be marked failed");
  }

  @Test
  void aCancelRequestIsKeptEscalatesToImmediateAndBelongsToTheSessionItWasMadeIn() {
    create("r-live", "orders", RunStatus.RUNNING, T0);
    store.heartbeat("r-live", "w-1", Duration.ofMinutes(5));
    create("r-done", "orders", RunStatus.SUCCEEDED, T0);

    assertThat(history.cancel("r-live", CancelMode.GRACEFUL, "alice@ops"))
        .isEqualTo("cancel (GRACEFUL) requested for run r-live; its workers stop at their next heartbeat or claim");
    history.cancel("r-live", CancelMode.IMMEDIATE, "bob@ops");
    history.cancel("r-live", CancelMode.GRACEFUL, "carol@ops");

    assertThat(store.cancelRequest("r-live")).hasValueSatisfying(r -> {
      assertThat(r.mode()).isEqualTo(CancelMode.IMMEDIATE);
      assertThat(r.requestedBy()).isEqualTo("bob@ops");
    });
    assertThat(history.run("r-live").cancelRequest()).isNotNull();
    assertThatThrownBy(() -> history.cancel("r-done", CancelMode.GRACEFUL, "alice"))
        .isInstanceOf(IllegalStateException.class).hasMessage("run r-done is SUCCEEDED; only a RUNNING run can be cancelled");
    store.updateRun("r-live", RunStatus.RUNNING, null, "");   // what a resume does
    assertThat(store.cancelRequest("r-live")).isEmpty();
  }

  private void create(String runId, String target, RunStatus status, Instant createdAt) {
    store.createRun(new RunRecord(runId, target, status, "v1", Guarantee.AT_LEAST_ONCE, "{}", 2, createdAt,
        status == RunStatus.RUNNING ? null : createdAt.plusSeconds(30), ""),
        List.of(SliceRecord.pending(runId, 0, "2024-01-01", List.of("2024-01-01")),
            SliceRecord.pending(runId, 1, "2024-01-02", List.of("2024-01-02"))));
  }

  private static List<String> ids(List<RunSummary> runs) {
    return runs.stream().map(RunSummary::runId).toList();
  }
}
