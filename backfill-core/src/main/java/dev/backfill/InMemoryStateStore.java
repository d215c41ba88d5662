package dev.backfill;

import static java.util.Objects.requireNonNull;

import dev.backfill.spi.CancelRequest;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A thread-safe {@link StateStore} in the JVM's memory, for tests, demos and backfills whose history
 * need not outlive the process. It offers {@link Guarantee#AT_LEAST_ONCE}: it cannot share a
 * transaction with a destination.
 *
 * <pre>{@code
 * StateStore store = new InMemoryStateStore();
 * Backfill<Row> backfill = Backfill.builder("orders").stateStore(store)...build();
 * }</pre>
 *
 * <p>Each run is guarded by its own lock; claims cost {@code O(log n)} or better, so a run of a
 * hundred thousand slices adds microseconds per slice.
 *
 * <p>It keeps every slice of every run on the heap, about {@value #BYTES_PER_SLICE} bytes each with
 * its partition state and attempt history: a run of two million hourly slices needs over a gigabyte.
 * A plan whose slices would take more than half of the JVM's maximum heap says so in its
 * {@linkplain BackfillPlan#warnings() warnings}; runs that big belong in a {@code JdbcStateStore},
 * which the executor reads page by page.
 */
public final class InMemoryStateStore implements StateStore {

  /** About what one slice costs on the heap here (record, partition state, attempt), measured. */
  static final int BYTES_PER_SLICE = 600;
  private final Clock clock;
  private final Map<String, RunState> runs = new ConcurrentHashMap<>();
  private final Map<String, Map<String, PartitionState>> partitions = new ConcurrentHashMap<>();
  /** Guarded by itself. */
  private final Map<String, TargetLease> targets = new HashMap<>();

  /** Creates a store on the system clock. */
  public InMemoryStateStore() {
    this(Clock.systemUTC());
  }

  /**
   * Creates a store whose leases use the given clock.
   *
   * @param clock clock for lease times
   */
  public InMemoryStateStore(Clock clock) {
    this.clock = requireNonNull(clock, "clock");
  }

  @Override
  public Instant now() {
    return clock.instant();
  }

  @Override
  public void createRun(RunRecord run, List<SliceRecord> slices) {
    RunState state = new RunState(run, slices);
    if (runs.putIfAbsent(run.runId(), state) != null) {
      throw new IllegalStateException("run " + run.runId() + " exists already");
    }
  }

  @Override
  public Optional<RunRecord> run(String runId) {
    RunState state = runs.get(runId);
    if (state == null) {
      return Optional.empty();
    }
    synchronized (state) {
      return Optional.of(state.record);
    }
  }

  @Override
  public List<RunRecord> runs(String target) {
    List<RunRecord> result = new ArrayList<>();
    for (RunState state : runs.values()) {
      synchronized (state) {
        if (state.record.target().equals(target)) {
          result.add(state.record);
        }
      }
    }
    result.sort(Comparator.comparing(RunRecord::createdAt).reversed());
    return result;
  }

  @Override
  public void updateRun(String runId, RunStatus status, @Nullable Instant finishedAt, String message) {
    RunState state = state(runId);
    synchronized (state) {
      state.record = state.record.with(status, finishedAt, message);
      if (status == RunStatus.RUNNING) {
        state.cancel = null;   // a cancel request belongs to the run's previous session
      }
    }
  }

  @Override
  public boolean transitionRun(String runId, RunStatus from, RunStatus to, @Nullable Instant finishedAt, String message) {
    RunState state = state(runId);
    synchronized (state) {
      if (state.record.status() != from) {
        return false;
      }
      state.record = state.record.with(to, finishedAt, message);
      return true;
    }
  }

  @Override
  public List<SliceRecord> slices(String runId) {
    RunState state = state(runId);
    synchronized (state) {
      return List.of(state.slices);
    }
  }

  @Override
  public List<SliceRecord> slices(String runId, int fromIndex, int limit) {
    StateStore.checkPage(fromIndex, limit);
    RunState state = state(runId);
    synchronized (state) {
      int from = Math.min(fromIndex, state.slices.length);
      return List.of(Arrays.copyOfRange(state.slices, from, (int) Math.min(state.slices.length, (long) from + limit)));
    }
  }

  @Override
  public List<SliceAttempt> attempts(String runId) {
    RunState state = state(runId);
    synchronized (state) {
      return List.copyOf(state.attempts);
    }
  }

  /** Reads the range from an index of attempts by slice, not by filtering every attempt of the run. */
  @Override
  public List<SliceAttempt> attempts(String runId, int fromIndex, int limit) {
    StateStore.checkPage(fromIndex, limit);
    RunState state = state(runId);
    synchronized (state) {
      List<SliceAttempt> out = new ArrayList<>();
      int to = (int) Math.min(Integer.MAX_VALUE, (long) fromIndex + limit);
      state.attemptsByIndex.subMap(fromIndex, true, to, fromIndex + limit > Integer.MAX_VALUE)
          .values().forEach(out::addAll);
      return List.copyOf(out);
    }
  }

  @Override
  public Optional<SliceLease> claim(String runId, String workerId, Duration leaseTime) {
    RunState state = state(runId);
    Instant now = now();
    synchronized (state) {
      int index = state.expiredRunning(now);
      if (index < 0) {
        index = state.nextPending();
      }
      if (index < 0) {
        return Optional.empty();
      }
      return Optional.of(take(state, index, workerId, now, leaseTime));
    }
  }

  /** Sets a slice RUNNING under a new lease and fencing token; called holding the run's monitor. */
  private static SliceLease take(RunState state, int index, String workerId, Instant now, Duration leaseTime) {
    SliceRecord s = state.slices[index];
    state.pending.clear(index);
    state.running.add(index);
    SliceRecord claimed = new SliceRecord(s.runId(), index, s.key(), s.partitions(), SliceStatus.RUNNING,
        s.attempt() + 1, s.version() + 1, workerId, now.plus(leaseTime), now, null, 0, s.error(), List.of(), null);
    state.slices[index] = claimed;
    return lease(claimed);
  }

  @Override
  public Optional<SliceLease> claimSlice(String runId, int index, String workerId, Duration leaseTime) {
    RunState state = state(runId);
    Instant now = now();
    synchronized (state) {
      if (index < 0 || index >= state.slices.length) {
        return Optional.empty();
      }
      SliceRecord s = state.slices[index];
      boolean expired = s.status() == SliceStatus.RUNNING && s.leaseUntil() != null && !s.leaseUntil().isAfter(now);
      if (s.status() != SliceStatus.PENDING && !expired) {
        return Optional.empty();
      }
      return Optional.of(take(state, index, workerId, now, leaseTime));
    }
  }

  private static SliceLease lease(SliceRecord s) {
    return new SliceLease(s.runId(), s.index(), s.worker(), s.attempt(), s.version(), s.leaseUntil());
  }

  @Override
  public Optional<SliceLease> renew(SliceLease lease, Duration leaseTime) {
    RunState state = state(lease.runId());
    synchronized (state) {
      SliceRecord s = state.slices[lease.index()];
      if (!holds(s, lease)) {
        return Optional.empty();
      }
      SliceRecord renewed = copy(s, s.status(), s.attempt(), s.version(), now().plus(leaseTime), s.startedAt(),
          s.finishedAt(), s.rows(), s.error(), s.checks(), s.logExcerpt());
      state.slices[lease.index()] = renewed;
      return Optional.of(lease(renewed));
    }
  }

  @Override
  public SliceLease nextAttempt(SliceLease lease, String error) {
    return nextAttempt(lease, error, null);
  }

  @Override
  public SliceLease nextAttempt(SliceLease lease, String error, @Nullable String logExcerpt) {
    RunState state = state(lease.runId());
    synchronized (state) {
      SliceRecord s = checkHeld(state, lease);
      Instant now = now();
      state.addAttempt(new SliceAttempt(s.runId(), s.index(), s.key(), s.attempt(), lease.workerId(), SliceStatus.FAILED,
          s.startedAt(), now, 0, error, logExcerpt));
      SliceRecord next = copy(s, SliceStatus.RUNNING, s.attempt() + 1, s.version(), s.leaseUntil(), now, null,
          0, error, List.of(), null);
      state.slices[lease.index()] = next;
      return lease(next);
    }
  }

  @Override
  public void complete(SliceLease lease, SliceOutcome outcome, ResourceProvider transaction) {
    RunState state = state(lease.runId());
    List<String> keys;
    String target;
    String logicVersion;
    checkTargetHeld(lease);
    synchronized (state) {
      SliceRecord s = checkHeld(state, lease);
      List<String> checks = outcome.checks().stream().map(CheckResult::toString).toList();
      state.slices[lease.index()] = new SliceRecord(s.runId(), s.index(), s.key(), s.partitions(), outcome.status(),
          s.attempt(), s.version(), s.worker(), null, outcome.startedAt(), outcome.finishedAt(), outcome.rows(),
          outcome.error(), checks, outcome.logExcerpt(), outcome.stats());
      state.addAttempt(new SliceAttempt(s.runId(), s.index(), s.key(), s.attempt(), lease.workerId(), outcome.status(),
          outcome.startedAt(), outcome.finishedAt(), outcome.rows(), outcome.error(), outcome.logExcerpt()));
      state.running.remove(lease.index());
      keys = s.partitions();
      target = state.record.target();
      logicVersion = state.record.logicVersion();
    }
    if (outcome.status() == SliceStatus.SUCCEEDED || outcome.status() == SliceStatus.FAILED
        || outcome.status() == SliceStatus.FAILED_CHECK) {
      recordPartitions(target, lease.runId(), logicVersion, keys, outcome);
    }
  }

  private void recordPartitions(String target, String runId, String logicVersion, List<String> keys, SliceOutcome o) {
    Map<String, PartitionState> states = partitions.computeIfAbsent(target, t -> new ConcurrentHashMap<>());
    long share = Duration.between(o.startedAt(), o.finishedAt()).toMillis() / keys.size();
    for (String key : keys) {
      states.compute(key, (k, old) -> {
        if (o.status() == SliceStatus.SUCCEEDED) {
          return new PartitionState(target, key, SliceStatus.SUCCEEDED, runId, o.finishedAt(), logicVersion,
              keys.size() == 1 ? o.rows() : -1, share, false);
        }
        return old == null
            ? new PartitionState(target, key, o.status(), runId, null, null, -1, -1, false)
            : new PartitionState(target, key, o.status(), runId, old.succeededAt(), old.logicVersion(), old.rows(),
                old.durationMillis(), old.invalidated());
      });
    }
  }

  @Override
  public int reopen(String runId) {
    RunState state = state(runId);
    synchronized (state) {
      int reopened = 0;
      for (int i = 0; i < state.slices.length; i++) {
        SliceRecord s = state.slices[i];
        if (s.status() != SliceStatus.SUCCEEDED) {
          long version = s.status() == SliceStatus.RUNNING ? s.version() + 1 : s.version();
          state.slices[i] = copy(s, SliceStatus.PENDING, s.attempt(), version, null, s.startedAt(), s.finishedAt(),
              s.rows(), s.error(), s.checks(), s.logExcerpt());
          state.markPending(i);
          state.running.remove(i);
          reopened++;
        }
      }
      return reopened;
    }
  }

  @Override
  public int markPending(String runId, SliceStatus status, String message) {
    RunState state = state(runId);
    synchronized (state) {
      int changed = 0;
      for (int i = state.pending.nextSetBit(0); i >= 0; i = state.pending.nextSetBit(i + 1)) {
        SliceRecord s = state.slices[i];
        state.slices[i] = copy(s, status, s.attempt(), s.version(), null, s.startedAt(), s.finishedAt(), s.rows(),
            message, s.checks(), s.logExcerpt());
        changed++;
      }
      state.pending.clear();
      return changed;
    }
  }

  @Override
  public void forEachPartitionState(String target, Consumer<PartitionState> action) {
    partitions.getOrDefault(target, Map.of()).values().forEach(action);
  }

  @Override
  public void invalidate(String target, Collection<PartitionKey> keys, String runIdForNewStates) {
    Map<String, PartitionState> states = partitions.computeIfAbsent(target, t -> new ConcurrentHashMap<>());
    for (PartitionKey key : keys) {
      states.compute(key.value(), (k, old) -> old == null
          ? new PartitionState(target, k, SliceStatus.PENDING, runIdForNewStates, null, null, -1, -1, true)
          : new PartitionState(target, k, old.lastStatus(), old.lastRunId(), old.succeededAt(), old.logicVersion(),
              old.rows(), old.durationMillis(), true));
    }
  }

  @Override
  public Guarantee guaranteeWith(ResourceProvider destination) {
    return Guarantee.AT_LEAST_ONCE;
  }

  // ---------------------------------------------------------------------------------------------
  // Operator's view (issue 15)

  @Override
  public List<RunRecord> runs(RunFilter filter) {
    List<RunRecord> all = new ArrayList<>();
    for (RunState state : runs.values()) {
      synchronized (state) {
        if (filter.matches(state.record)) {
          all.add(state.record);
        }
      }
    }
    all.sort(Comparator.comparing(RunRecord::createdAt).thenComparing(RunRecord::runId).reversed());
    return all.stream().skip(filter.offset()).limit(filter.limit()).toList();
  }

  @Override
  public void recordRunInfo(String runId, String json) {
    locked(runId, state -> state.info = json);
  }

  @Override
  public Optional<String> runInfo(String runId) {
    return locked(runId, state -> Optional.ofNullable(state.info));
  }

  @Override
  public void heartbeat(String runId, String workerId, Duration leaseTime) {
    Instant until = now().plus(leaseTime);
    locked(runId, state -> state.aliveUntil = state.aliveUntil == null || until.isAfter(state.aliveUntil)
        ? until : state.aliveUntil);
  }

  @Override
  public Optional<Instant> aliveUntil(String runId) {
    RunState state = state(runId);
    synchronized (state) {
      Instant latest = state.aliveUntil;
      for (int i : state.running) {
        Instant lease = state.slices[i].leaseUntil();
        if (lease != null && (latest == null || lease.isAfter(latest))) {
          latest = lease;
        }
      }
      return Optional.ofNullable(latest);
    }
  }

  @Override
  public boolean requestCancel(String runId, CancelMode mode, String requestedBy) {
    RunState state = state(runId);
    synchronized (state) {
      RunStatus status = state.record.status();
      if (status != RunStatus.RUNNING && status != RunStatus.FINISHING) {
        return false;
      }
      if (state.cancel == null || (state.cancel.mode() == CancelMode.GRACEFUL && mode == CancelMode.IMMEDIATE)) {
        state.cancel = new CancelRequest(mode, now(), requestedBy);
      }
      return true;
    }
  }

  @Override
  public Optional<CancelRequest> cancelRequest(String runId) {
    return locked(runId, state -> Optional.ofNullable(state.cancel));
  }

  @Override
  public void clearCancelRequest(String runId) {
    locked(runId, state -> state.cancel = null);
  }

  /** Reads or changes a run's state under its lock. */
  private <R> R locked(String runId, java.util.function.Function<RunState, R> action) {
    RunState state = state(runId);
    synchronized (state) {
      return action.apply(state);
    }
  }

  private RunState state(String runId) {
    RunState state = runs.get(runId);
    if (state == null) {
      throw new UnknownRunException("unknown run id '" + runId + "'; no such run in this state store");
    }
    return state;
  }

  private static boolean holds(SliceRecord s, SliceLease lease) {
    return s.status() == SliceStatus.RUNNING && s.version() == lease.version();
  }

  private static SliceRecord checkHeld(RunState state, SliceLease lease) {
    SliceRecord s = state.slices[lease.index()];
    if (!holds(s, lease)) {
      throw new LeaseLostException("lease on slice " + s.key() + " of run " + lease.runId() + " is lost: worker "
          + lease.workerId() + " presented token " + lease.version() + ", the slice is " + s.status()
          + " with token " + s.version() + (s.worker() == null ? "" : " held by " + s.worker()));
    }
    return s;
  }

  private static SliceRecord copy(SliceRecord s, SliceStatus status, int attempt, long version,
      @Nullable Instant leaseUntil, @Nullable Instant startedAt, @Nullable Instant finishedAt, long rows,
      @Nullable String error, List<String> checks, @Nullable String logExcerpt) {
    return new SliceRecord(s.runId(), s.index(), s.key(), s.partitions(), status, attempt, version, s.worker(),
        leaseUntil, startedAt, finishedAt, rows, error, checks, logExcerpt,
        rows == s.rows() ? s.stats() : SliceStats.ofRows(Math.max(0, rows)));
  }

  @Override
  public TargetLease acquireTarget(String target, String runId, String workerId, Duration leaseTime) {
    Instant now = now();
    synchronized (targets) {
      TargetLease held = targets.get(target);
      if (held == null || held.heldBy(runId) || ended(held, now)) {
        TargetLease mine = new TargetLease(target, runId, workerId,
            held != null && held.heldBy(runId) ? held.since() : now, now.plus(leaseTime));
        targets.put(target, mine);
        return mine;
      }
      return held;
    }
  }

  /**
   * A holder whose run has a final status lets the target go; so does one whose run was never created
   * once its lease expired (a holder creates its run after taking the target, so a live lease without
   * a run is a run being created right now).
   */
  private boolean ended(TargetLease held, Instant now) {
    RunState state = runs.get(held.runId());
    if (state == null) {
      return !held.leaseUntil().isAfter(now);
    }
    synchronized (state) {
      return state.record.status().isFinal();
    }
  }

  @Override
  public boolean renewTarget(String target, String runId, Duration leaseTime) {
    synchronized (targets) {
      TargetLease held = targets.get(target);
      if (held == null || !held.heldBy(runId)) {
        return false;
      }
      targets.put(target, new TargetLease(target, runId, held.workerId(), held.since(), now().plus(leaseTime)));
      return true;
    }
  }

  @Override
  public void releaseTarget(String target, String runId) {
    synchronized (targets) {
      TargetLease held = targets.get(target);
      if (held != null && held.heldBy(runId)) {
        targets.remove(target);
      }
    }
  }

  @Override
  public Optional<TargetLease> targetLease(String target) {
    synchronized (targets) {
      return Optional.ofNullable(targets.get(target));
    }
  }

  /** A slice of a run whose target another run holds now must not commit (target fencing). */
  private void checkTargetHeld(SliceLease lease) {
    String target = state(lease.runId()).record.target();
    synchronized (targets) {
      TargetLease held = targets.get(target);
      if (held != null && !held.heldBy(lease.runId())) {
        throw new LeaseLostException("target " + target + " is held by run " + held.runId() + " since " + held.since()
            + "; run " + lease.runId() + " may not commit slice " + lease.index() + " any more");
      }
    }
  }

  /** Mutable state of one run, guarded by its own monitor. */
  private static final class RunState {
    RunRecord record;
    final SliceRecord[] slices;
    final BitSet pending = new BitSet();
    final TreeSet<Integer> running = new TreeSet<>();
    final List<SliceAttempt> attempts = new ArrayList<>();
    /** The same attempts by slice index, each slice's oldest first, for reading a range of slices. */
    final TreeMap<Integer, List<SliceAttempt>> attemptsByIndex = new TreeMap<>();
    @Nullable String info;
    @Nullable Instant aliveUntil;
    @Nullable CancelRequest cancel;
    /** No pending bit is set below this index. */
    int lowestPending;

    RunState(RunRecord record, List<SliceRecord> slices) {
      this.record = record;
      this.slices = slices.toArray(new SliceRecord[0]);
      for (int i = 0; i < this.slices.length; i++) {
        if (this.slices[i].index() != i) {
          throw new IllegalArgumentException("slice at position " + i + " has index " + this.slices[i].index());
        }
        switch (this.slices[i].status()) {
          case PENDING -> pending.set(i);
          case RUNNING -> running.add(i);
          default -> { }
        }
      }
    }

    void addAttempt(SliceAttempt a) {
      attempts.add(a);
      attemptsByIndex.computeIfAbsent(a.index(), i -> new ArrayList<>(1)).add(a);
    }

    int nextPending() {
      int i = pending.nextSetBit(lowestPending);
      lowestPending = i < 0 ? slices.length : i;
      return i;
    }

    void markPending(int i) {
      pending.set(i);
      lowestPending = Math.min(lowestPending, i);
    }

    int expiredRunning(Instant now) {
      for (int i : running) {
        Instant until = slices[i].leaseUntil();
        if (until != null && !until.isAfter(now)) {
          return i;
        }
      }
      return -1;
    }
  }

  /**
   * The warning for a plan of about {@code slices} slices whose run would not fit comfortably in
   * {@code maxHeap} bytes, or empty if it fits.
   */
  static Optional<String> footprintWarning(long slices, long maxHeap) {
    long bytes = slices * BYTES_PER_SLICE;
    if (bytes <= maxHeap / 2) {
      return Optional.empty();
    }
    return Optional.of("the in-memory state store keeps every slice on the heap (about " + BYTES_PER_SLICE
        + " bytes each): " + slices + " slices need about " + (bytes >> 20) + " MiB of this JVM's "
        + (maxHeap >> 20) + " MiB maximum heap; use a JdbcStateStore for a run this big, or plan a shorter"
        + " range or a larger batchSize");
  }
}
