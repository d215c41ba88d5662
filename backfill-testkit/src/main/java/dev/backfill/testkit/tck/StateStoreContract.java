package dev.backfill.testkit.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.CheckResult;
import dev.backfill.Guarantee;
import dev.backfill.InMemoryStateStore;
import dev.backfill.PartitionKey;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.PlanOptions;
import dev.backfill.PlannedSlice;
import dev.backfill.Row;
import dev.backfill.RunStatus;
import dev.backfill.SliceStatus;
import dev.backfill.spi.LeaseLostException;
import dev.backfill.spi.PartitionState;
import dev.backfill.spi.ResourceProvider;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SliceAttempt;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceOutcome;
import dev.backfill.spi.SliceRecord;
import dev.backfill.spi.StateStore;
import dev.backfill.spi.TargetLease;
import dev.backfill.testkit.InMemoryDestination;
import dev.backfill.testkit.InMemorySource;
import dev.backfill.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link StateStore} must honour: runs and slices round-trip, claims hand out
 * slices in index order and never one slice to two holders, leases expire and are reclaimed without
 * manual recovery, stale fencing tokens are rejected with {@link LeaseLostException}, reopening for a
 * resume never reopens a SUCCEEDED slice, the attempt history records every finished attempt (and
 * nothing from a lost lease), exactly one of several workers finishes a run, slice counts agree with
 * the slices, and partition states drive planning. Extend it once per store and engine.
 *
 * <pre>{@code
 * class PostgresStateStoreContractTest extends StateStoreContract {
 *   protected StateStore createStore() {
 *     return JdbcStateStore.builder(dataSource).tablePrefix("bf_" + randomSuffix() + "_").build();
 *   }
 *
 *   protected void dropStore() throws SQLException {
 *     dropTablesWithPrefix(...);
 *   }
 * }
 * }</pre>
 *
 * <p>Leases: the expiry tests claim with {@link #shortLease()} and call {@link #letLeasesExpire()};
 * by default that waits the lease out in wall time (a store measuring time in its database cannot
 * do better). A store on an injectable clock overrides it to advance the clock instead. Each test uses
 * its own store from {@link #createStore()} plus a target and run ids with a random suffix, so
 * subclasses may share one database between tests.
 */
public abstract class StateStoreContract {
  private static final Partitioning DAILY = Partitioning.daily(ZoneOffset.UTC);
  private static final Duration LONG_LEASE = Duration.ofHours(1);

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  /** The target this test's runs belong to. */
  protected final String target = "contract_" + suffix;
  private @Nullable StateStore store;
  private int runs;

  /** Creates the contract; subclasses need a no-argument constructor for JUnit. */
  protected StateStoreContract() {}

  /**
   * Creates a fresh store for one test.
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
   * Returns the lease the expiry tests claim with.
   *
   * @return a lease short enough to wait out (default 1 second)
   */
  protected Duration shortLease() {
    return Duration.ofSeconds(1);
  }

  /**
   * Lets every lease of {@link #shortLease()} taken so far expire in the store's time. The default
   * waits {@code shortLease()} plus half a second of wall time.
   *
   * @throws Exception when waiting fails
   */
  protected void letLeasesExpire() throws Exception {
    Thread.sleep(shortLease().toMillis() + 500);
  }

  /**
   * Returns the store of the current test.
   *
   * @return the store under test
   */
  protected final StateStore store() {
    StateStore s = store;
    assertNotNull(s, "createStore() has not run");
    return s;
  }

  @BeforeEach
  final void createContractStore() throws Exception {
    store = createStore();
    assertNotNull(store, "createStore() returned null");
  }

  @AfterEach
  final void dropContractStore() throws Exception {
    dropStore();
  }

  // ---------------------------------------------------------------- runs

  @Test
  void aCreatedRunAndItsSlicesCanBeReadBack() {
    Instant created = now();
    RunRecord run = newRun("2024-01-01", 3, 1, created);

    RunRecord read = store().run(run.runId()).orElseThrow(() -> new AssertionError("run " + run.runId() + " not found"));

    assertEquals(run.runId(), read.runId());
    assertEquals(target, read.target());
    assertEquals(RunStatus.RUNNING, read.status());
    assertEquals("v1", read.logicVersion());
    assertEquals(Guarantee.AT_LEAST_ONCE, read.guarantee());
    assertEquals(run.planJson(), read.planJson(), "the plan must round-trip unchanged");
    assertEquals(3, read.sliceCount());
    assertEquals(created, read.createdAt());
    assertNull(read.finishedAt());
    List<SliceRecord> slices = store().slices(run.runId());
    assertEquals(List.of(0, 1, 2), slices.stream().map(SliceRecord::index).toList(), "slices in index order");
    assertEquals(List.of("2024-01-01", "2024-01-02", "2024-01-03"), slices.stream().map(SliceRecord::key).toList());
    assertEquals(List.of("2024-01-02"), slices.get(1).partitions());
    for (SliceRecord s : slices) {
      assertEquals(SliceStatus.PENDING, s.status(), "new slices are PENDING");
      assertEquals(0, s.attempt(), "no attempt before the first claim");
    }
    assertEquals(Optional.empty(), store().run("no-such-run-" + suffix));
  }

  @Test
  void aRunIsReadPageByPageInIndexOrder() {
    RunRecord run = newRun("2024-01-01", 7, 1, now());
    List<SliceRecord> all = store().slices(run.runId());

    List<SliceRecord> paged = new ArrayList<>();
    for (int from = 0; ; from += 3) {
      List<SliceRecord> page = store().slices(run.runId(), from, 3);
      paged.addAll(page);
      if (page.size() < 3) {
        break;
      }
    }

    assertEquals(all.stream().map(SliceRecord::key).toList(), paged.stream().map(SliceRecord::key).toList(),
        "pages of 3 must read every slice once, in index order");
    assertEquals(List.of(5, 6), store().slices(run.runId(), 5, 100).stream().map(SliceRecord::index).toList());
    assertEquals(List.of(), store().slices(run.runId(), 7, 3), "a page past the end is empty");
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> store().slices(run.runId(), 0, 0));
    assertTrue(bad.getMessage().contains("limit 0"), bad.getMessage());
  }

  @Test
  void theAttemptsOfARangeOfSlicesAreReadBySliceAndAttempt() {
    RunRecord run = newRun("2024-01-01", 5, 1, now());
    SliceLease s0 = claim(run, "worker-a", LONG_LEASE);
    SliceLease s1 = claim(run, "worker-a", LONG_LEASE);
    SliceLease s2 = claim(run, "worker-b", LONG_LEASE);
    // Recorded out of index order: slice 2 ends first, slice 1 retries twice around slice 0's end.
    store().complete(s2, outcome(SliceStatus.SUCCEEDED, 2), ResourceProvider.NONE);
    SliceLease s1b = store().nextAttempt(s1, "deadlock");
    store().complete(s0, outcome(SliceStatus.FAILED, 0), ResourceProvider.NONE);
    SliceLease s1c = store().nextAttempt(s1b, "connection lost");
    store().complete(s1c, outcome(SliceStatus.SUCCEEDED, 1), ResourceProvider.NONE);

    List<SliceAttempt> page = store().attempts(run.runId(), 1, 2);
    assertEquals(List.of("1#1", "1#2", "1#3", "2#1"),
        page.stream().map(a -> a.index() + "#" + a.attempt()).toList(),
        "slices 1 and 2, by slice index and attempt number, whatever order they were recorded in: " + page);
    assertEquals(List.of(SliceStatus.FAILED, SliceStatus.FAILED, SliceStatus.SUCCEEDED, SliceStatus.SUCCEEDED),
        page.stream().map(SliceAttempt::status).toList());
    assertEquals("deadlock", page.get(0).error());
    assertEquals(List.of("0#1"), store().attempts(run.runId(), 0, 1).stream()
        .map(a -> a.index() + "#" + a.attempt()).toList(), "the range ends before fromIndex + limit");
    assertEquals(List.of(), store().attempts(run.runId(), 3, 100), "slices never attempted have no attempts");
    List<SliceAttempt> all = new ArrayList<>();
    for (int from = 0; from < 5; from += 2) {
      all.addAll(store().attempts(run.runId(), from, 2));
    }
    assertEquals(store().attempts(run.runId()).size(), all.size(), "pages of slices read every attempt once");
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> store().attempts(run.runId(), -1, 3));
    assertTrue(bad.getMessage().contains("fromIndex -1"), bad.getMessage());
  }

  @Test
  void creatingARunTwiceFails() {
    RunRecord run = newRun("2024-01-01", 1, 1, now());

    assertThrows(IllegalStateException.class, () -> store().createRun(run, List.of(
        SliceRecord.pending(run.runId(), 0, "2024-01-01", List.of("2024-01-01")))));
  }

  @Test
  void runsOfATargetAreListedNewestFirst() {
    Instant t = now();
    RunRecord first = newRun("2024-01-01", 1, 1, t);
    RunRecord second = newRun("2024-01-01", 1, 1, t.plusSeconds(1));
    RunRecord third = newRun("2024-01-01", 1, 1, t.plusSeconds(2));
    createRun(plan("other_" + suffix, "2024-01-01", 1, 1), "other_" + suffix, "run-other-" + suffix, t);

    List<String> ids = store().runs(target).stream().map(RunRecord::runId).toList();

    assertEquals(List.of(third.runId(), second.runId(), first.runId()), ids);
  }

  @Test
  void updateRunRecordsStatusFinishAndMessage() {
    RunRecord run = newRun("2024-01-01", 1, 1, now());
    Instant finished = now().plusSeconds(5);

    store().updateRun(run.runId(), RunStatus.FAILED, finished, "stopped after 1 failed slice(s)");
    RunRecord failed = store().run(run.runId()).orElseThrow();
    store().updateRun(run.runId(), RunStatus.RUNNING, null, "");
    RunRecord resumed = store().run(run.runId()).orElseThrow();

    assertEquals(RunStatus.FAILED, failed.status());
    assertEquals(finished, failed.finishedAt());
    assertEquals("stopped after 1 failed slice(s)", failed.message());
    assertEquals(RunStatus.RUNNING, resumed.status());
    assertNull(resumed.finishedAt(), "a resumed run is unfinished again");
  }

  // ---------------------------------------------------------------- claims, leases, fencing

  @Test
  void claimsHandOutPendingSlicesInIndexOrder() {
    RunRecord run = newRun("2024-01-01", 3, 1, now());

    List<SliceLease> leases = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      leases.add(claim(run, "worker-a", LONG_LEASE));
    }

    assertEquals(List.of(0, 1, 2), leases.stream().map(SliceLease::index).toList());
    for (SliceLease l : leases) {
      assertEquals(1, l.attempt(), "first claim is attempt 1");
      assertEquals("worker-a", l.workerId());
      assertTrue(l.leaseUntil().isAfter(store().now()), "the lease ends in the future: " + l);
      SliceRecord s = slice(run, l.index());
      assertEquals(SliceStatus.RUNNING, s.status());
      assertEquals("worker-a", s.worker());
      assertEquals(l.version(), s.version(), "the slice carries the lease's fencing token");
    }
    assertEquals(Optional.empty(), store().claim(run.runId(), "worker-a", LONG_LEASE), "nothing left to claim");
  }

  @Test
  void aClaimIncreasesTheFencingToken() {
    RunRecord run = newRun("2024-01-01", 1, 1, now());
    long before = slice(run, 0).version();

    SliceLease lease = claim(run, "worker-a", LONG_LEASE);

    assertTrue(lease.version() > before, "token " + lease.version() + " must be greater than " + before);
  }

  @Test
  void aLiveLeaseIsNotClaimedByAnotherWorker() {
    RunRecord run = newRun("2024-01-01", 1, 1, now());
    claim(run, "worker-a", LONG_LEASE);

    assertEquals(Optional.empty(), store().claim(run.runId(), "worker-b", LONG_LEASE));
  }

  @Test
  void anExpiredLeaseIsClaimedAgainWithANewTokenAndTheOldHolderIsFencedOff() throws Exception {
    RunRecord run = newRun("2024-01-01", 1, 1, now());
    SliceLease stale = claim(run, "worker-a", shortLease());

    letLeasesExpire();
    SliceLease fresh = claim(run, "worker-b", LONG_LEASE);

    assertEquals(stale.index(), fresh.index(), "the expired slice is claimable again without manual recovery");
    assertEquals(2, fresh.attempt(), "reclaiming starts the next attempt");
    assertTrue(fresh.version() > stale.version(), "reclaiming moves the fencing token on");
    assertThrows(LeaseLostException.class, () -> store().complete(stale, outcome(SliceStatus.SUCCEEDED, 5), ResourceProvider.NONE),
        "complete with a stale token");
    assertEquals(Optional.empty(), store().renew(stale, LONG_LEASE), "renew with a stale token");
    assertThrows(LeaseLostException.class, () -> store().nextAttempt(stale, "retry"), "nextAttempt with a stale token");
    SliceRecord s = slice(run, 0);
    assertEquals(SliceStatus.RUNNING, s.status(), "nothing recorded from the stale holder");
    assertEquals("worker-b", s.worker());
    SliceOutcome ok = outcome(SliceStatus.SUCCEEDED, 7);
    store().complete(fresh, ok, ResourceProvider.NONE);
    assertEquals(SliceStatus.SUCCEEDED, slice(run, 0).status());
    assertEquals(7, slice(run, 0).rows());
    assertEquals(List.of(attempt(run, 0, "2024-01-01", 2, "worker-b", SliceStatus.SUCCEEDED, ok.startedAt(),
        ok.finishedAt(), 7, null)), store().attempts(run.runId()),
        "the history holds only the fresh holder's attempt: the stale one (attempt 1) records nothing");
  }

  @Test
  void aSliceClaimedByIndexIsClaimedOnlyWhilePendingOrExpired() throws Exception {
    RunRecord run = newRun("2024-01-01", 3, 1, now());

    SliceLease second = store().claimSlice(run.runId(), 2, "worker-a", shortLease()).orElseThrow();
    assertEquals(2, second.index(), "the slice asked for, not the lowest pending one");
    assertEquals(1, second.attempt());
    assertEquals(SliceStatus.PENDING, slice(run, 0).status(), "other slices stay pending");
    assertEquals(Optional.empty(), store().claimSlice(run.runId(), 2, "worker-b", LONG_LEASE), "a live lease holds");
    assertEquals(0, claim(run, "worker-b", LONG_LEASE).index(), "ordinary claims skip the claimed slice");

    letLeasesExpire();
    SliceLease taken = store().claimSlice(run.runId(), 2, "worker-b", LONG_LEASE).orElseThrow();
    assertEquals(2, taken.attempt(), "taking over an expired lease starts the next attempt");
    assertTrue(taken.version() > second.version(), "and moves the fencing token on");
    assertThrows(LeaseLostException.class, () -> store().complete(second, outcome(SliceStatus.SUCCEEDED, 1),
        ResourceProvider.NONE), "the old holder is fenced off");
    complete(taken, SliceStatus.SUCCEEDED, 3);
    assertEquals(Optional.empty(), store().claimSlice(run.runId(), 2, "worker-c", LONG_LEASE), "a succeeded slice stays");
    assertEquals(Optional.empty(), store().claimSlice(run.runId(), 7, "worker-c", LONG_LEASE), "no such slice");
  }

  @Test
  void renewExtendsTheLease() {
    RunRecord run = newRun("2024-01-01", 1, 1, now());
    SliceLease lease = claim(run, "worker-a", Duration.ofMinutes(1));
    Instant before = store().now();

    SliceLease renewed = store().renew(lease, LONG_LEASE).orElseThrow(() -> new AssertionError("renew of a live lease failed"));

    assertTrue(renewed.leaseUntil().isAfter(lease.leaseUntil()), renewed + " must end after " + lease);
    assertFalse(renewed.leaseUntil().isBefore(before.plus(LONG_LEASE)),
        renewed + " must last " + LONG_LEASE + " from the renewal, which came after " + before);
    assertEquals(lease.version(), renewed.version(), "renewing keeps the fencing token");
    assertEquals(renewed.leaseUntil(), slice(run, 0).leaseUntil());
    SliceLease forged = new SliceLease(run.runId(), 0, "worker-b", lease.attempt(), lease.version() + 7, lease.leaseUntil());
    assertEquals(Optional.empty(), store().renew(forged, LONG_LEASE), "a token the slice does not carry renews nothing");
    assertEquals(renewed.leaseUntil(), slice(run, 0).leaseUntil(), "the refused renewal changed the lease");
    store().complete(renewed, outcome(SliceStatus.SUCCEEDED, 1), ResourceProvider.NONE);
    assertEquals(SliceStatus.SUCCEEDED, slice(run, 0).status());
  }

  @Test
  void nextAttemptRecordsTheErrorAndContinuesOnTheSameLease() {
    RunRecord run = newRun("2024-01-01", 1, 1, now());
    SliceLease first = claim(run, "worker-a", LONG_LEASE);

    SliceLease second = store().nextAttempt(first, "SQLException[40P01]: deadlock detected");

    assertEquals(2, second.attempt());
    assertEquals(first.version(), second.version(), "a retry keeps the lease and its fencing token");
    SliceRecord s = slice(run, 0);
    assertEquals(2, s.attempt());
    assertEquals(SliceStatus.RUNNING, s.status());
    assertEquals("SQLException[40P01]: deadlock detected", s.error());
    store().complete(second, outcome(SliceStatus.SUCCEEDED, 3), ResourceProvider.NONE);
    assertEquals(SliceStatus.SUCCEEDED, slice(run, 0).status());
    assertEquals(2, slice(run, 0).attempt());
  }

  @Test
  void concurrentClaimsNeverHandASliceToTwoHolders() throws Exception {
    int slices = 120;
    int workers = 8;
    RunRecord run = newRun("2024-01-01", slices, 1, now());
    ConcurrentLinkedQueue<Integer> claimed = new ConcurrentLinkedQueue<>();
    Map<Integer, String> claimers = new ConcurrentHashMap<>();

    inParallel(workers, worker -> {
      for (Optional<SliceLease> l = store().claim(run.runId(), worker, LONG_LEASE); l.isPresent();
          l = store().claim(run.runId(), worker, LONG_LEASE)) {
        claimed.add(l.get().index());
        claimers.put(l.get().index(), worker);
        store().complete(l.get(), outcome(SliceStatus.SUCCEEDED, 1), ResourceProvider.NONE);
      }
    });

    List<Integer> sorted = claimed.stream().sorted().toList();
    assertEquals(IntStream.range(0, slices).boxed().toList(), sorted, "every slice claimed exactly once");
    assertTrue(store().slices(run.runId()).stream().allMatch(s -> s.status() == SliceStatus.SUCCEEDED));
    List<SliceAttempt> history = store().attempts(run.runId());
    assertEquals(IntStream.range(0, slices).boxed().toList(), history.stream().map(SliceAttempt::index).sorted().toList(),
        "every committed slice has exactly one attempt in the history");
    for (SliceAttempt a : history) {
      assertEquals(SliceStatus.SUCCEEDED, a.status(), a.toString());
      assertEquals(1, a.attempt(), a.toString());
      assertEquals(claimers.get(a.index()), a.worker(), "the attempt names the worker that claimed the slice: " + a);
    }
  }

  @Test
  void aClaimFindsNothingOnlyWhenNothingIsLeftToClaim() throws Exception {
    int slices = 60;
    int workers = 6;
    RunRecord run = newRun("2024-01-01", slices, 1, now());
    ConcurrentLinkedQueue<SliceLease> claimed = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> gaveUpEarly = new ConcurrentLinkedQueue<>();

    inParallel(workers, worker -> {
      // slices stay RUNNING under their leases, as while a run's workers write them
      for (Optional<SliceLease> l = store().claim(run.runId(), worker, LONG_LEASE); l.isPresent();
          l = store().claim(run.runId(), worker, LONG_LEASE)) {
        claimed.add(l.get());
      }
      long pending = store().slices(run.runId()).stream().filter(s -> s.status() == SliceStatus.PENDING).count();
      // a claim in flight on another worker may still show its slice PENDING: at most one per other worker
      if (pending > workers - 1) {
        gaveUpEarly.add(worker + " found nothing to claim while " + pending + " slices were PENDING");
      }
    });

    assertEquals(List.of(), List.copyOf(gaveUpEarly), "an empty claim must mean that nothing is left to claim");
    assertEquals(IntStream.range(0, slices).boxed().toList(), claimed.stream().map(SliceLease::index).sorted().toList(),
        "every slice claimed exactly once");
    for (SliceLease l : claimed) {
      assertEquals(1, l.attempt(), "a slice claimed once is on its first attempt: " + l);
    }
    assertTrue(store().slices(run.runId()).stream().allMatch(s -> s.status() == SliceStatus.RUNNING));
  }

  @Test
  void aBatchClaimHandsOutUpToMaxSlicesExpiredLeasesFirstThenPendingInIndexOrder() throws Exception {
    RunRecord run = newRun("2024-01-01", 6, 1, now());
    SliceLease expiring = store().claimSlice(run.runId(), 4, "worker-a", shortLease()).orElseThrow();
    letLeasesExpire();

    List<SliceLease> batch = store().claim(run.runId(), "worker-b", LONG_LEASE, 3);

    // up to max: a store may hand out fewer (one, by default), but always in claim order
    assertTrue(!batch.isEmpty() && batch.size() <= 3, "between 1 and 3 leases: " + batch);
    assertEquals(List.of(4, 0, 1).subList(0, batch.size()), batch.stream().map(SliceLease::index).toList(),
        "the expired lease first, then the lowest PENDING slices");
    assertEquals(2, batch.get(0).attempt());
    assertTrue(batch.get(0).version() > expiring.version(), "reclaiming moves the fencing token on");
    List<Integer> all = new ArrayList<>();
    for (; !batch.isEmpty(); batch = store().claim(run.runId(), "worker-b", LONG_LEASE, 10)) {
      for (SliceLease l : batch) {
        assertEquals("worker-b", l.workerId());
        SliceRecord s = slice(run, l.index());
        assertEquals(SliceStatus.RUNNING, s.status());
        assertEquals(l.version(), s.version(), "the slice carries the lease's fencing token: " + l);
        store().complete(l, outcome(SliceStatus.SUCCEEDED, 1), ResourceProvider.NONE);
        all.add(l.index());
      }
    }
    assertEquals(List.of(4, 0, 1, 2, 3, 5), all, "every slice once, in claim order, until nothing is left");
    assertThrows(IllegalArgumentException.class, () -> store().claim(run.runId(), "worker-b", LONG_LEASE, 0));
  }

  @Test
  void concurrentBatchClaimsNeverHandASliceToTwoHolders() throws Exception {
    int slices = 120;
    RunRecord run = newRun("2024-01-01", slices, 1, now());
    ConcurrentLinkedQueue<Integer> claimed = new ConcurrentLinkedQueue<>();

    inParallel(6, worker -> {
      for (List<SliceLease> batch = store().claim(run.runId(), worker, LONG_LEASE, 4); !batch.isEmpty();
          batch = store().claim(run.runId(), worker, LONG_LEASE, 4)) {
        for (SliceLease l : batch) {
          claimed.add(l.index());
          store().complete(l, outcome(SliceStatus.SUCCEEDED, 1), ResourceProvider.NONE);
        }
      }
    });

    assertEquals(IntStream.range(0, slices).boxed().toList(), claimed.stream().sorted().toList(),
        "every slice claimed exactly once");
    assertTrue(store().slices(run.runId()).stream().allMatch(s -> s.status() == SliceStatus.SUCCEEDED));
  }

  // ---------------------------------------------------------------- attempt history

  @Test
  void aRetriedSliceRecordsEachFailedAttemptAndThenItsSuccess() {
    RunRecord run = newRun("2024-01-01", 1, 1, now());
    SliceLease first = claim(run, "worker-a", LONG_LEASE);
    Instant firstStarted = slice(run, 0).startedAt();
    SliceLease second = store().nextAttempt(first, "SQLException[40P01]: deadlock detected");
    Instant secondStarted = slice(run, 0).startedAt();
    SliceLease third = store().nextAttempt(second, "SQLTransientConnectionException[08006]: connection lost");
    SliceOutcome ok = outcome(SliceStatus.SUCCEEDED, 12);

    store().complete(third, ok, ResourceProvider.NONE);

    List<SliceAttempt> history = store().attempts(run.runId());
    assertEquals(List.of(1, 2, 3), history.stream().map(SliceAttempt::attempt).toList(),
        "two failed attempts and the successful one, oldest first: " + history);
    assertFailedAttempt(history.get(0), run, 1, "worker-a", firstStarted, "SQLException[40P01]: deadlock detected");
    assertFailedAttempt(history.get(1), run, 2, "worker-a", secondStarted,
        "SQLTransientConnectionException[08006]: connection lost");
    assertEquals(attempt(run, 0, "2024-01-01", 3, "worker-a", SliceStatus.SUCCEEDED, ok.startedAt(), ok.finishedAt(),
        12, null), history.get(2), "the final attempt carries the outcome");
  }

  @Test
  void aSliceFailedInOneSessionAndResumedInAnotherKeepsBothAttempts() {
    RunRecord run = newRun("2024-01-01", 2, 1, now());
    SliceOutcome failed = outcome(SliceStatus.FAILED, 3);
    store().complete(claim(run, "worker-a", LONG_LEASE), failed, ResourceProvider.NONE);
    assertEquals(2, store().reopen(run.runId()));

    SliceLease resumed = claim(run, "worker-b", LONG_LEASE);
    SliceOutcome ok = outcome(SliceStatus.SUCCEEDED, 5);
    store().complete(resumed, ok, ResourceProvider.NONE);

    assertEquals(2, resumed.attempt(), "the resume continues the slice's attempt count");
    assertEquals(List.of(
            attempt(run, 0, "2024-01-01", 1, "worker-a", SliceStatus.FAILED, failed.startedAt(), failed.finishedAt(), 3,
                "injected FAILED"),
            attempt(run, 0, "2024-01-01", 2, "worker-b", SliceStatus.SUCCEEDED, ok.startedAt(), ok.finishedAt(), 5, null)),
        store().attempts(run.runId()), "slice 1 was never attempted, so it has no entry");
  }

  // ---------------------------------------------------------------- finishing a run

  @Test
  void transitionRunChangesTheStatusOnlyFromTheExpectedOne() {
    RunRecord run = newRun("2024-01-01", 1, 1, now());
    Instant finished = now().plusSeconds(5);

    assertFalse(store().transitionRun(run.runId(), RunStatus.FAILED, RunStatus.SUCCEEDED, finished, "wrong status"),
        "the run is RUNNING, not FAILED");
    assertEquals(RunStatus.RUNNING, store().run(run.runId()).orElseThrow().status(), "a refused transition changes nothing");
    assertEquals("", store().run(run.runId()).orElseThrow().message(), "a refused transition changes nothing");

    assertTrue(store().transitionRun(run.runId(), RunStatus.RUNNING, RunStatus.FINISHING, null, "finishing"));
    RunRecord finishing = store().run(run.runId()).orElseThrow();
    assertEquals(RunStatus.FINISHING, finishing.status());
    assertEquals("finishing", finishing.message());
    assertNull(finishing.finishedAt());
    assertFalse(store().transitionRun(run.runId(), RunStatus.RUNNING, RunStatus.FINISHING, null, "second finisher"),
        "a second RUNNING -> FINISHING must be refused");
    assertEquals("finishing", store().run(run.runId()).orElseThrow().message());

    assertTrue(store().transitionRun(run.runId(), RunStatus.FINISHING, RunStatus.SUCCEEDED, finished, "1 slice succeeded"));
    RunRecord done = store().run(run.runId()).orElseThrow();
    assertEquals(RunStatus.SUCCEEDED, done.status());
    assertEquals(finished, done.finishedAt());
    assertEquals("1 slice succeeded", done.message());
  }

  @Test
  void exactlyOneOfManyRacingWorkersFinishesARun() throws Exception {
    // several rounds: a check-then-act store may get lucky once, not every time
    for (int round = 0; round < 5; round++) {
      RunRecord run = newRun("2024-01-01", 1, 1, now());
      ConcurrentLinkedQueue<String> winners = new ConcurrentLinkedQueue<>();

      inParallel(8, worker -> {
        if (store().transitionRun(run.runId(), RunStatus.RUNNING, RunStatus.FINISHING, null, "finished by " + worker)) {
          winners.add(worker);
        }
      });

      assertEquals(1, winners.size(), "round " + round + ": exactly one worker may move the run from RUNNING to "
          + "FINISHING, but these did: " + winners);
      RunRecord read = store().run(run.runId()).orElseThrow();
      assertEquals(RunStatus.FINISHING, read.status());
      assertEquals("finished by " + winners.peek(), read.message(), "the winner's message is recorded");
    }
  }

  // ---------------------------------------------------------------- counting slices

  @Test
  void countSlicesAgreesWithTheSlices() {
    RunRecord run = newRun("2024-01-01", 6, 1, now());
    assertEquals(Map.of(SliceStatus.PENDING, 6), store().countSlices(run.runId()), "a new run");
    List<SliceLease> leases = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      leases.add(claim(run, "worker-a", LONG_LEASE));
    }
    complete(leases.get(0), SliceStatus.SUCCEEDED, 10);
    complete(leases.get(1), SliceStatus.FAILED, 0);
    complete(leases.get(2), SliceStatus.FAILED_CHECK, 4);
    store().markPending(run.runId(), SliceStatus.SKIPPED, "not started");

    Map<SliceStatus, Integer> counts = store().countSlices(run.runId());

    assertEquals(Map.of(SliceStatus.SUCCEEDED, 1, SliceStatus.FAILED, 1, SliceStatus.FAILED_CHECK, 1,
        SliceStatus.RUNNING, 1, SliceStatus.SKIPPED, 2), counts, "only statuses present are counted");
    Map<SliceStatus, Integer> fromSlices = new EnumMap<>(SliceStatus.class);
    store().slices(run.runId()).forEach(s -> fromSlices.merge(s.status(), 1, Integer::sum));
    assertEquals(fromSlices, counts, "countSlices must agree with slices()");
  }

  // ---------------------------------------------------------------- resume

  @Test
  void reopenReturnsEveryUnsucceededSliceToPendingAndNeverASucceededOne() {
    RunRecord run = newRun("2024-01-01", 7, 1, now());
    Map<Integer, SliceLease> leases = new HashMap<>();
    for (int i = 0; i < 5; i++) {
      leases.put(i, claim(run, "worker-a", LONG_LEASE));
    }
    complete(leases.get(0), SliceStatus.SUCCEEDED, 10);
    complete(leases.get(1), SliceStatus.FAILED, 0);
    complete(leases.get(2), SliceStatus.FAILED_CHECK, 4);
    complete(leases.get(3), SliceStatus.CANCELLED, 0);
    // slice 4 stays RUNNING, as a crashed worker leaves it
    assertEquals(2, store().markPending(run.runId(), SliceStatus.SKIPPED, "not started"));

    int reopened = store().reopen(run.runId());

    assertEquals(6, reopened, "FAILED, FAILED_CHECK, CANCELLED, RUNNING and two SKIPPED slices are reopened");
    List<SliceRecord> slices = store().slices(run.runId());
    assertEquals(SliceStatus.SUCCEEDED, slices.get(0).status(), "a SUCCEEDED slice is never reopened");
    assertEquals(10, slices.get(0).rows());
    for (int i = 1; i < 7; i++) {
      assertEquals(SliceStatus.PENDING, slices.get(i).status(), "slice " + i);
    }
    assertThrows(LeaseLostException.class,
        () -> store().complete(leases.get(4), outcome(SliceStatus.SUCCEEDED, 1), ResourceProvider.NONE),
        "the worker that held the RUNNING slice before the reopen must be fenced off");
    List<Integer> resumed = new ArrayList<>();
    for (Optional<SliceLease> l = store().claim(run.runId(), "worker-b", LONG_LEASE); l.isPresent();
        l = store().claim(run.runId(), "worker-b", LONG_LEASE)) {
      resumed.add(l.get().index());
    }
    assertEquals(List.of(1, 2, 3, 4, 5, 6), resumed, "a resume claims exactly the reopened slices, in order");
  }

  @Test
  void markPendingChangesOnlyPendingSlices() {
    RunRecord run = newRun("2024-01-01", 3, 1, now());
    SliceLease running = claim(run, "worker-a", LONG_LEASE);

    int changed = store().markPending(run.runId(), SliceStatus.SKIPPED, "not started: stopped after 1 failed slice(s)");

    assertEquals(2, changed);
    List<SliceRecord> slices = store().slices(run.runId());
    assertEquals(List.of(SliceStatus.RUNNING, SliceStatus.SKIPPED, SliceStatus.SKIPPED),
        slices.stream().map(SliceRecord::status).toList());
    assertEquals("not started: stopped after 1 failed slice(s)", slices.get(1).error());
    assertEquals(Optional.empty(), store().claim(run.runId(), "worker-a", LONG_LEASE), "SKIPPED slices are not claimable");
    store().complete(running, outcome(SliceStatus.SUCCEEDED, 1), ResourceProvider.NONE);
    assertEquals(SliceStatus.SUCCEEDED, slice(run, 0).status(), "the running slice still completes");
  }

  // ---------------------------------------------------------------- partition states

  @Test
  void aPartitionThatSucceededBeforeItEndedIsPlannedAgainAsPartialOnceComplete() {
    ManualClock clock = ManualClock.at("2024-06-03T10:00:00Z");
    Backfill<Row> backfill = Backfill.builder(target).partitioning(Partitioning.daily(ZoneOffset.UTC))
        .source(InMemorySource.generated(p -> List.of(Row.of("day", p.tokens().get("start_date")))))
        .destination(InMemoryDestination.create()).stateStore(store()).clock(clock).sleeper(d -> { }).build();
    PartitionRange range = PartitionRange.of("2024-06-01", "2024-06-03");
    assertEquals(RunStatus.SUCCEEDED, backfill.execute(backfill.plan(range, PlanOptions.defaults().allowPartial()))
        .await().status());
    assertTrue(backfill.plan(range).isEmpty(), "2024-06-03 has not ended yet: nothing to plan");

    clock.advance(Duration.ofDays(1));

    List<PlannedSlice> slices = backfill.plan(range).slices();
    assertEquals(List.of("2024-06-03 PARTIAL"), slices.stream().map(s -> s.key() + " " + s.reason()).toList(),
        "the day that ran before its end is selected again once it has ended, from the success time the store kept");
  }

  @Test
  void aSucceededSliceRecordsItsPartitionState() {
    RunRecord run = newRun("2024-01-01", 1, 1, now());
    SliceLease lease = claim(run, "worker-a", LONG_LEASE);
    SliceOutcome ok = outcome(SliceStatus.SUCCEEDED, 42);

    store().complete(lease, ok, ResourceProvider.NONE);

    SliceRecord s = slice(run, 0);
    assertEquals(42, s.rows());
    assertNull(s.error());
    assertTrue(s.checks().stream().anyMatch(c -> c.contains("rows 42 >= minRows 1")),
        "check results are recorded: " + s.checks());
    assertEquals(ok.startedAt(), s.startedAt());
    assertEquals(ok.finishedAt(), s.finishedAt());
    PartitionState p = state(target, "2024-01-01");
    assertEquals(SliceStatus.SUCCEEDED, p.lastStatus());
    assertEquals(run.runId(), p.lastRunId());
    assertEquals("v1", p.logicVersion());
    assertEquals(42, p.rows(), "a single-partition slice records its rows on the partition");
    assertEquals(2_000, p.durationMillis(), "the slice's duration is all its one partition's");
    assertEquals(ok.finishedAt(), p.succeededAt());
    assertFalse(p.invalidated());
  }

  @Test
  void aFailureAfterASuccessKeepsTheLastSuccessOfThePartition() {
    RunRecord first = newRun("2024-01-01", 1, 1, now());
    SliceOutcome ok = outcome(SliceStatus.SUCCEEDED, 5);
    store().complete(claim(first, "worker-a", LONG_LEASE), ok, ResourceProvider.NONE);
    RunRecord second = newRun("2024-01-01", 1, 1, now().plusSeconds(60));

    store().complete(claim(second, "worker-a", LONG_LEASE), outcome(SliceStatus.FAILED, 0), ResourceProvider.NONE);

    assertEquals("injected FAILED", slice(second, 0).error(), "the slice records its error");
    PartitionState p = state(target, "2024-01-01");
    assertEquals(SliceStatus.FAILED, p.lastStatus());
    assertTrue(p.lastFailed());
    assertEquals(second.runId(), p.lastRunId());
    assertEquals(ok.finishedAt(), p.succeededAt(), "the last success is kept");
    assertEquals("v1", p.logicVersion());
    assertEquals(5, p.rows(), "the rows of the last success are kept");
    assertEquals(2_000, p.durationMillis(), "the duration of the last success is kept");
  }

  @Test
  void aBatchedSliceRecordsEachOfItsPartitions() {
    RunRecord run = newRun("2024-01-01", 1, 3, now());
    assertEquals(List.of("2024-01-01", "2024-01-02", "2024-01-03"), slice(run, 0).partitions());

    store().complete(claim(run, "worker-a", LONG_LEASE), outcome(SliceStatus.SUCCEEDED, 30), ResourceProvider.NONE);

    for (String day : List.of("2024-01-01", "2024-01-02", "2024-01-03")) {
      PartitionState p = state(target, day);
      assertEquals(SliceStatus.SUCCEEDED, p.lastStatus(), day);
      assertEquals(-1, p.rows(), day + ": rows of a batch are not attributed to one partition");
      assertTrue(Math.abs(p.durationMillis() - 2_000 / 3.0) < 1,
          day + ": the slice's 2 s are divided among its 3 partitions, not " + p.durationMillis() + " ms");
    }
  }

  @Test
  void invalidateMarksPartitionsUntilTheirNextSuccess() {
    RunRecord run = newRun("2024-01-01", 1, 1, now());
    SliceOutcome ok = outcome(SliceStatus.SUCCEEDED, 5);
    store().complete(claim(run, "worker-a", LONG_LEASE), ok, ResourceProvider.NONE);

    store().invalidate(target, List.of(PartitionKey.of("2024-01-01"), PartitionKey.of("2024-02-01")), "invalidate-" + suffix);

    PartitionState known = state(target, "2024-01-01");
    assertTrue(known.invalidated());
    assertEquals(ok.finishedAt(), known.succeededAt(), "invalidating keeps the last success");
    assertEquals(SliceStatus.SUCCEEDED, known.lastStatus(), "invalidating keeps the last status");
    PartitionState fresh = state(target, "2024-02-01");
    assertTrue(fresh.invalidated());
    assertFalse(fresh.everSucceeded());
    assertEquals("invalidate-" + suffix, fresh.lastRunId());
    assertEquals(SliceStatus.PENDING, fresh.lastStatus(), "a partition invalidated before it ever ran");
    assertNull(fresh.logicVersion());
    assertEquals(-1, fresh.rows());
    assertEquals(-1, fresh.durationMillis());

    RunRecord again = newRun("2024-01-01", 1, 1, now().plusSeconds(60));
    store().complete(claim(again, "worker-a", LONG_LEASE), outcome(SliceStatus.SUCCEEDED, 6), ResourceProvider.NONE);
    assertFalse(state(target, "2024-01-01").invalidated(), "a new success clears the mark");
  }

  @Test
  void partitionStatesBelongToTheirTarget() {
    RunRecord run = newRun("2024-01-01", 1, 1, now());
    store().complete(claim(run, "worker-a", LONG_LEASE), outcome(SliceStatus.SUCCEEDED, 5), ResourceProvider.NONE);

    List<PartitionState> other = new ArrayList<>();
    store().forEachPartitionState("other_" + suffix, other::add);

    assertEquals(List.of(), other);
  }

  @Test
  void withoutASharedTransactionTheGuaranteeIsAtLeastOnce() {
    assertEquals(Guarantee.AT_LEAST_ONCE, store().guaranteeWith(ResourceProvider.NONE));
  }

  // ---------------------------------------------------------------- helpers

  /** What one of several workers does; gets the worker's id. */
  @FunctionalInterface
  private interface WorkerTask {
    void run(String worker) throws Exception;
  }

  /** Runs the task on {@code workers} threads released at once and waits for all of them. */
  private static void inParallel(int workers, WorkerTask task) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        String worker = "worker-" + w;
        running.add(pool.submit(() -> {
          start.await();
          task.run(worker);
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : running) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The store's time, truncated to milliseconds so that every engine stores it exactly. */
  // ---- Target leases: one run writes a target at a time -------------------------------------------

  @Test
  void aTargetIsHeldByOneRunAtATimeAndTheOthersAreToldWhoHoldsIt() {
    RunRecord first = newRun("2024-01-01", 1, 1, now());
    RunRecord second = newRun("2024-01-01", 1, 1, now());

    TargetLease held = store().acquireTarget(target, first.runId(), "w1", LONG_LEASE);
    TargetLease refused = store().acquireTarget(target, second.runId(), "w2", LONG_LEASE);

    assertTrue(held.heldBy(first.runId()), "the first run holds the free target: " + held);
    assertEquals(first.runId(), refused.runId(), "the second run is told who holds the target");
    assertEquals("w1", refused.workerId(), "and which worker");
    assertFalse(store().renewTarget(target, second.runId(), LONG_LEASE), "a run not holding the target cannot renew it");
    assertTrue(store().renewTarget(target, first.runId(), LONG_LEASE), "the holder renews its hold");
  }

  @Test
  void aHolderWhoseRunIsStillBeingCreatedKeepsTheTarget() {
    // A run takes its target before it creates its run record (another process may be inserting it right
    // now): a live hold by a run the store does not know yet is not a dead one.
    String creating = "run-" + suffix + "-creating";
    RunRecord other = newRun("2024-01-01", 1, 1, now());
    assertTrue(store().acquireTarget(target, creating, "w1", LONG_LEASE).heldBy(creating));

    TargetLease seen = store().acquireTarget(target, other.runId(), "w2", LONG_LEASE);

    assertEquals(creating, seen.runId(), "the run being created keeps its target");
  }

  @Test
  void aHolderWhoseRunEndedOrNeverCameLetsTheTargetGo() throws Exception {
    RunRecord ended = newRun("2024-01-01", 1, 1, now());
    RunRecord next = newRun("2024-01-01", 1, 1, now());
    assertTrue(store().acquireTarget(target, ended.runId(), "w1", LONG_LEASE).heldBy(ended.runId()));
    store().updateRun(ended.runId(), RunStatus.FAILED, now(), "marked failed by an operator");

    assertTrue(store().acquireTarget(target, next.runId(), "w2", LONG_LEASE).heldBy(next.runId()),
        "a run with a final status holds nothing");

    store().releaseTarget(target, next.runId());
    String neverCreated = "run-" + suffix + "-died-before-creating";
    assertTrue(store().acquireTarget(target, neverCreated, "w3", shortLease()).heldBy(neverCreated));
    letLeasesExpire();
    assertTrue(store().acquireTarget(target, next.runId(), "w2", LONG_LEASE).heldBy(next.runId()),
        "a hold whose run never came is let go once its lease expired");
  }

  private Instant now() {
    return store().now().truncatedTo(ChronoUnit.MILLIS);
  }

  private RunRecord newRun(String firstDay, int slices, int batchSize, Instant createdAt) {
    BackfillPlan plan = plan(target, firstDay, slices, batchSize);
    return createRun(plan, target, "run-" + suffix + "-" + (++runs), createdAt);
  }

  private static BackfillPlan plan(String target, String firstDay, int slices, int batchSize) {
    Backfill<Row> backfill = Backfill.builder(target).partitioning(DAILY).source(InMemorySource.rows())
        .destination(InMemoryDestination.create()).stateStore(new InMemoryStateStore()).build();
    String last = LocalDate.parse(firstDay).plusDays((long) slices * batchSize - 1).toString();
    return backfill.plan(PartitionRange.of(firstDay, last), PlanOptions.defaults().batchSize(batchSize).estimateRows(false));
  }

  private RunRecord createRun(BackfillPlan plan, String runTarget, String runId, Instant createdAt) {
    List<SliceRecord> slices = new ArrayList<>();
    for (PlannedSlice s : plan.slices()) {
      slices.add(SliceRecord.pending(runId, s.index(), s.key(),
          plan.partitions(s.index()).stream().map(p -> p.key().value()).toList()));
    }
    RunRecord run = new RunRecord(runId, runTarget, RunStatus.RUNNING, "v1", Guarantee.AT_LEAST_ONCE, plan.toJson(),
        plan.sliceCount(), createdAt, null, "");
    store().createRun(run, slices);
    return run;
  }

  private SliceLease claim(RunRecord run, String worker, Duration lease) {
    return store().claim(run.runId(), worker, lease)
        .orElseThrow(() -> new AssertionError("expected a claimable slice in run " + run.runId() + ": "
            + store().slices(run.runId()).stream().map(s -> s.index() + "=" + s.status()).toList()));
  }

  private void complete(SliceLease lease, SliceStatus status, long rows) {
    store().complete(lease, outcome(status, rows), ResourceProvider.NONE);
  }

  private SliceOutcome outcome(SliceStatus status, long rows) {
    Instant end = now();
    String error = status == SliceStatus.SUCCEEDED ? null : "injected " + status;
    List<CheckResult> checks = List.of(new CheckResult("minRows(1)", rows >= 1, CheckResult.Severity.ERROR,
        "rows " + rows + (rows >= 1 ? " >= " : " < ") + "minRows 1"));
    return new SliceOutcome(status, rows, end.minusSeconds(2), end, error, checks, null);
  }

  private static SliceAttempt attempt(RunRecord run, int index, String key, int attempt, String worker, SliceStatus status,
      @Nullable Instant startedAt, Instant finishedAt, long rows, @Nullable String error) {
    return new SliceAttempt(run.runId(), index, key, attempt, worker, status, startedAt, finishedAt, rows, error);
  }

  /** A retried attempt: started when its slice (re)started, ended by the store's clock, with nothing written. */
  private static void assertFailedAttempt(SliceAttempt a, RunRecord run, int attempt, String worker,
      @Nullable Instant startedAt, String error) {
    String what = "attempt " + attempt + " " + a;
    assertEquals(run.runId(), a.runId(), what);
    assertEquals(0, a.index(), what);
    assertEquals("2024-01-01", a.key(), what);
    assertEquals(attempt, a.attempt(), what);
    assertEquals(worker, a.worker(), what);
    assertEquals(SliceStatus.FAILED, a.status(), what);
    assertEquals(0, a.rows(), what);
    assertEquals(error, a.error(), what);
    assertNotNull(startedAt, "the slice records when its attempt started");
    assertEquals(startedAt, a.startedAt(), what + ": starts when the slice's attempt started");
    assertFalse(a.finishedAt().isBefore(startedAt), what + ": ends after it started");
  }

  private SliceRecord slice(RunRecord run, int index) {
    return store().slices(run.runId()).get(index);
  }

  private PartitionState state(String stateTarget, String key) {
    List<PartitionState> found = new ArrayList<>();
    store().forEachPartitionState(stateTarget, s -> {
      if (s.key().equals(key)) {
        found.add(s);
      }
    });
    assertEquals(1, found.size(), "expected one state for partition " + key + " of " + stateTarget + ", found " + found);
    return found.get(0);
  }
}
