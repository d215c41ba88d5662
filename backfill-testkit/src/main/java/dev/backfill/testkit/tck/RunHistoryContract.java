package dev.backfill.testkit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.CancelMode;
import dev.backfill.Guarantee;
import dev.backfill.InvalidConfigurationException;
import dev.backfill.RunFilter;
import dev.backfill.RunHistory;
import dev.backfill.RunStatus;
import dev.backfill.RunSummary;
import dev.backfill.SliceHistory;
import dev.backfill.SliceStatus;
import dev.backfill.UnknownRunException;
import dev.backfill.spi.ResourceProvider;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceOutcome;
import dev.backfill.spi.SliceRecord;
import dev.backfill.spi.StateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of the state store's operator view, as {@link RunHistory} (and so the
 * {@code backfill} command and the run page) relies on it: runs across targets newest first, paged
 * and filtered; who started a run; stalled runs, told by heartbeats and leases in the store's time,
 * and marking them failed; cancel requests that escalate from GRACEFUL to IMMEDIATE only and belong to
 * the session they were made in; and each attempt's log excerpt. Extend it once per store and engine,
 * like {@link StateStoreContract}; {@link #createStore()} must return an <b>empty</b> store, since
 * the listing tests see every run in it.
 *
 * <pre>{@code
 * class MyStoreRunHistoryContractTest extends RunHistoryContract {
 *   protected StateStore createStore() { return MyStore.inFreshSchema(); }
 * }
 * }</pre>
 */
public abstract class RunHistoryContract {
  private static final Instant T0 = Instant.parse("2024-06-01T10:00:00Z");

  private @Nullable StateStore store;
  private @Nullable RunHistory history;

  /** Creates the contract; subclasses need a no-argument constructor for JUnit. */
  protected RunHistoryContract() {}

  /**
   * Creates a fresh, empty store for one test.
   *
   * @return the store under test
   * @throws Exception when it cannot be created
   */
  protected abstract StateStore createStore() throws Exception;

  /**
   * Drops what {@link #createStore()} created; called after each test.
   *
   * @throws Exception when cleaning up fails
   */
  protected void dropStore() throws Exception {}

  /**
   * Waits until the store's clock ({@link StateStore#now()}) is past an instant. The default polls
   * in wall time; a store on an injectable clock overrides it to advance the clock.
   *
   * @param instant the instant to pass
   * @throws Exception when waiting fails
   */
  protected void letStoreTimePass(Instant instant) throws Exception {
    while (!store().now().isAfter(instant)) {
      Thread.sleep(20);
    }
  }

  /**
   * Returns the store of the current test.
   *
   * @return the store
   */
  protected final StateStore store() {
    StateStore s = store;
    if (s == null) {
      throw new IllegalStateException("createStore() has not run");
    }
    return s;
  }

  /**
   * Returns the history over the store of the current test.
   *
   * @return the history
   */
  protected final RunHistory history() {
    RunHistory h = history;
    if (h == null) {
      throw new IllegalStateException("createStore() has not run");
    }
    return h;
  }

  @BeforeEach
  final void createContractStore() throws Exception {
    store = createStore();
    history = RunHistory.of(store);
  }

  @AfterEach
  final void dropContractStore() throws Exception {
    dropStore();
  }

  @Test
  void listsRunsAcrossTargetsNewestFirstPagedAndFilteredByStatusAndTime() {
    create("r-1", "orders", RunStatus.SUCCEEDED, T0);
    create("r-2", "refunds", RunStatus.FAILED, T0.plusSeconds(60));
    create("r-3", "orders", RunStatus.FAILED, T0.plusSeconds(120));
    create("r-4", "orders", RunStatus.CANCELLED, T0.plusSeconds(180));

    assertThat(ids(history().runs())).containsExactly("r-4", "r-3", "r-2", "r-1");
    assertThat(ids(history().runs(RunFilter.all().page(0, 3)))).containsExactly("r-4", "r-3", "r-2");
    assertThat(ids(history().runs(RunFilter.all().page(1, 3)))).containsExactly("r-1");
    assertThat(ids(history().runs(RunFilter.all().target("orders").status(RunStatus.FAILED, RunStatus.SUCCEEDED))))
        .containsExactly("r-3", "r-1");
    assertThat(ids(history().runs(RunFilter.all().createdSince(T0.plusSeconds(60)).createdBefore(T0.plusSeconds(180)))))
        .containsExactly("r-3", "r-2");
    RunSummary r3 = history().summary("r-3").orElseThrow();
    assertThat(r3.counts()).containsEntry(SliceStatus.PENDING, 2);
    assertThat(r3.stalled()).isFalse();
    assertThatThrownBy(() -> RunFilter.all().page(0, 0)).isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("limit 0 is not allowed; expected 1 to 1000 runs per page");
    assertThatThrownBy(() -> history().run("r-missing")).isInstanceOf(UnknownRunException.class)
        .hasMessageContaining("'r-missing'");
  }

  @Test
  void eachAttemptKeepsItsLogExcerptAndTheRunKeepsWhoStartedIt() {
    create("r-logs", "orders", RunStatus.RUNNING, T0);
    store().recordRunInfo("r-logs", "{\"startedBy\":\"alice@etl-1\",\"environment\":\"prod\",\"options\":{}}");
    SliceLease first = store().claim("r-logs", "w-1", Duration.ofMinutes(5)).orElseThrow();
    SliceLease second = store().nextAttempt(first, "deadlock", "12:00:00 WARN deadlock on 2024-01-01");
    store().complete(second, new SliceOutcome(SliceStatus.SUCCEEDED, 7, T0, T0.plusSeconds(1), null, List.of(),
        "12:00:02 INFO read 7 rows"), ResourceProvider.NONE);

    SliceHistory slice = history().run("r-logs").slice("2024-01-01").orElseThrow();
    assertThat(slice.attempts()).extracting(SliceHistory.Attempt::logExcerpt)
        .as("each attempt's log excerpt, oldest first")
        .containsExactly("12:00:00 WARN deadlock on 2024-01-01", "12:00:02 INFO read 7 rows");
    assertThat(slice.logExcerpt()).isEqualTo("12:00:02 INFO read 7 rows");
    assertThat(history().summary("r-logs").orElseThrow().startedBy()).isEqualTo("alice@etl-1");
    assertThat(history().run("r-logs").environment()).isEqualTo("prod");
  }

  @Test
  void aRunWhoseWorkersStoppedIsStalledSinceItsLastHeartbeatOrLeaseAndCanBeMarkedFailed() throws Exception {
    create("r-dead", "orders", RunStatus.RUNNING, T0);
    store().heartbeat("r-dead", "w-1", Duration.ofMillis(300));
    SliceLease lease = store().claim("r-dead", "w-1", Duration.ofMillis(400)).orElseThrow();
    assertThat(history().summary("r-dead").orElseThrow().stalled()).as("a run whose lease is live").isFalse();
    assertThatThrownBy(() -> history().markFailed("r-dead", "ops")).isInstanceOf(IllegalStateException.class)
        .hasMessage("run r-dead is RUNNING: a worker is alive; cancel it instead");

    letStoreTimePass(lease.leaseUntil());

    RunSummary stalled = history().summary("r-dead").orElseThrow();
    assertThat(stalled.state()).isEqualTo("STALLED");
    assertThat(stalled.stalledSince()).isEqualTo(lease.leaseUntil());
    assertThat(history().runs(RunFilter.all().status(RunStatus.RUNNING))).extracting(RunSummary::state)
        .containsExactly("STALLED");
    RunSummary marked = history().markFailed("r-dead", "alice");
    assertThat(marked.status()).isEqualTo(RunStatus.FAILED);
    assertThat(marked.stalled()).isFalse();
    assertThat(marked.message()).startsWith("marked failed by alice: stalled since " + lease.leaseUntil());
    assertThatThrownBy(() -> history().markFailed("r-dead", "alice")).isInstanceOf(IllegalStateException.class)
        .hasMessage("run r-dead is FAILED; only a stalled run can be marked failed");
  }

  @Test
  void aHeartbeatKeepsAnIdleRunAliveAndNeverMovesBackwards() throws Exception {
    create("r-idle", "orders", RunStatus.RUNNING, T0);
    store().heartbeat("r-idle", "w-1", Duration.ofMinutes(10));
    store().heartbeat("r-idle", "w-2", Duration.ofMillis(1));
    Instant soon = store().now().plusMillis(50);

    letStoreTimePass(soon);

    assertThat(store().aliveUntil("r-idle")).hasValueSatisfying(t -> assertThat(t).isAfter(soon.plusSeconds(60)));
    assertThat(history().summary("r-idle").orElseThrow().stalled()).isFalse();
  }

  @Test
  void aCancelRequestIsKeptEscalatesToImmediateAndBelongsToTheSessionItWasMadeIn() {
    create("r-live", "orders", RunStatus.RUNNING, T0);
    store().heartbeat("r-live", "w-1", Duration.ofMinutes(5));
    create("r-done", "orders", RunStatus.SUCCEEDED, T0);

    assertThat(history().cancel("r-live", CancelMode.GRACEFUL, "alice@ops"))
        .isEqualTo("cancel (GRACEFUL) requested for run r-live; its workers stop at their next heartbeat or claim");
    history().cancel("r-live", CancelMode.IMMEDIATE, "bob@ops");
    history().cancel("r-live", CancelMode.GRACEFUL, "carol@ops");

    assertThat(store().cancelRequest("r-live")).hasValueSatisfying(r -> {
      assertThat(r.mode()).isEqualTo(CancelMode.IMMEDIATE);
      assertThat(r.requestedBy()).isEqualTo("bob@ops");
    });
    assertThat(history().run("r-live").cancelRequest()).isNotNull();
    assertThatThrownBy(() -> history().cancel("r-done", CancelMode.GRACEFUL, "alice"))
        .isInstanceOf(IllegalStateException.class).hasMessage("run r-done is SUCCEEDED; only a RUNNING run can be cancelled");
    store().updateRun("r-live", RunStatus.RUNNING, null, "");   // what a resume does
    assertThat(store().cancelRequest("r-live")).as("a resumed run forgets the previous session's request").isEmpty();
  }

  /** Creates a run of two pending slices ({@code 2024-01-01}, {@code 2024-01-02}). */
  private void create(String runId, String target, RunStatus status, Instant createdAt) {
    store().createRun(new RunRecord(runId, target, status, "v1", Guarantee.AT_LEAST_ONCE, "{}", 2, createdAt,
        status == RunStatus.RUNNING ? null : createdAt.plusSeconds(30), ""),
        List.of(SliceRecord.pending(runId, 0, "2024-01-01", List.of("2024-01-01")),
            SliceRecord.pending(runId, 1, "2024-01-02", List.of("2024-01-02"))));
  }

  private static List<String> ids(List<RunSummary> runs) {
    return runs.stream().map(RunSummary::runId).toList();
  }
}
