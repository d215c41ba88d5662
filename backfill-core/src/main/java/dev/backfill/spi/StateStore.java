package dev.backfill.spi;

import dev.backfill.CancelMode;
import dev.backfill.Guarantee;
import dev.backfill.PartitionKey;
import dev.backfill.RunFilter;
import dev.backfill.RunStatus;
import dev.backfill.SliceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Durable memory of runs, slices and per-partition state, on which planning, execution, resume and
 * scale-out rely.
 *
 * <p>Guarantees expected of implementations, checked by the test kit's {@code StateStoreContract}:
 * every method is thread-safe and atomic; a slice is held by at most one lease at a time;
 * {@link #claim} increases the slice's fencing token ({@code version}); any change presented with an
 * older token fails with {@link LeaseLostException}; expired leases are claimable again without any
 * manual recovery; a SUCCEEDED slice is never reopened.
 *
 * <p>Exactly-once: when {@link #guaranteeWith} returns {@link Guarantee#EXACTLY_ONCE} for a
 * destination, {@link #complete} with a SUCCEEDED outcome writes inside the transaction of the
 * writer passed to it, and the executor commits that writer afterwards, so data and status commit
 * together. Otherwise the executor commits the writer first and records the status afterwards
 * (at-least-once).
 */
public interface StateStore {

  /**
   * Creates a run with all its slices PENDING.
   *
   * @param run the run, with its plan
   * @param slices its slices
   * @throws IllegalStateException if the run id exists
   */
  void createRun(RunRecord run, List<SliceRecord> slices);

  /**
   * Finds a run.
   *
   * @param runId run id
   * @return the run, if known
   */
  Optional<RunRecord> run(String runId);

  /**
   * Lists the runs of a target, newest first.
   *
   * @param target target name
   * @return runs
   */
  List<RunRecord> runs(String target);

  /**
   * Sets a run's status.
   *
   * @param runId run id
   * @param status new status
   * @param finishedAt finish time, or null when the run (re)starts
   * @param message outcome summary
   */
  void updateRun(String runId, RunStatus status, @Nullable Instant finishedAt, String message);

  /**
   * Changes a run's status only if it currently has the expected one, atomically, so that exactly
   * one of several workers finishes a run. Stores shared between processes must override the
   * default, which is only atomic within one JVM.
   *
   * @param runId run id
   * @param from the status the run must have
   * @param to the new status
   * @param finishedAt finish time, or null
   * @param message outcome summary
   * @return true when this call changed the status
   */
  default boolean transitionRun(String runId, RunStatus from, RunStatus to, @Nullable Instant finishedAt, String message) {
    synchronized (this) {
      Optional<RunRecord> run = run(runId);
      if (run.isEmpty() || run.get().status() != from) {
        return false;
      }
      updateRun(runId, to, finishedAt, message);
      return true;
    }
  }

  /**
   * Counts the slices of a run by status. Shared stores should override the default (which reads
   * every slice) with an aggregate query.
   *
   * @param runId run id
   * @return counts by status, only statuses present
   */
  default Map<SliceStatus, Integer> countSlices(String runId) {
    Map<SliceStatus, Integer> counts = new EnumMap<>(SliceStatus.class);
    for (SliceRecord s : slices(runId)) {
      counts.merge(s.status(), 1, Integer::sum);
    }
    return counts;
  }

  /**
   * Lists the slices of a run in index order.
   *
   * @param runId run id
   * @return slices
   */
  List<SliceRecord> slices(String runId);

  /**
   * Reads one page of a run's slices: those with an index of at least {@code fromIndex}, in index
   * order, at most {@code limit} of them. A run's slices are numbered 0 to {@code sliceCount - 1}, so
   * the page holds the indexes {@code fromIndex} to {@code fromIndex + limit - 1} that exist. The executor, the finisher and reports of big runs walk a
   * run page by page through this method, so that a run of millions of slices is never held in
   * memory at once; a store whose runs can be that big should override the default, which reads
   * every slice.
   *
   * <pre>{@code
   * for (int from = 0; ; from += 1000) {
   *   List<SliceRecord> page = store.slices(runId, from, 1000);
   *   page.forEach(this::look);
   *   if (page.size() < 1000) break;
   * }
   * }</pre>
   *
   * @param runId run id
   * @param fromIndex the first slice index to read (0 for the start)
   * @param limit the most slices to return, at least 1
   * @return up to {@code limit} slices from {@code fromIndex} on, in index order
   */
  default List<SliceRecord> slices(String runId, int fromIndex, int limit) {
    checkPage(fromIndex, limit);
    List<SliceRecord> all = slices(runId);
    int from = Math.min(fromIndex, all.size());
    return List.copyOf(all.subList(from, (int) Math.min(all.size(), (long) from + limit)));
  }

  /**
   * Checks the arguments of {@link #slices(String, int, int)}, for stores that override it.
   *
   * @param fromIndex the first slice index asked for
   * @param limit the most slices asked for
   * @throws IllegalArgumentException naming both values if {@code fromIndex < 0} or {@code limit < 1}
   */
  static void checkPage(int fromIndex, int limit) {
    if (fromIndex < 0 || limit < 1) {
      throw new IllegalArgumentException("a page of slices needs fromIndex >= 0 and limit >= 1, got fromIndex "
          + fromIndex + " and limit " + limit);
    }
  }

  /**
   * Lists the finished attempts of a run's slices in the order they were recorded (see
   * {@link SliceAttempt}). {@link #nextAttempt} records the failed attempt it retries and
   * {@link #complete} records the final one, atomically with the status they set.
   *
   * @param runId run id
   * @return attempts, oldest first
   */
  List<SliceAttempt> attempts(String runId);

  /**
   * Claims the next claimable slice of a run: the PENDING slice with the lowest index, or a RUNNING
   * slice whose lease expired (its attempt counter increases). Sets it RUNNING with a new lease and a
   * new fencing token.
   *
   * @param runId run id
   * @param workerId the claiming worker
   * @param leaseTime how long the lease lasts without renewal
   * @return the lease, or empty when nothing is claimable now
   */
  Optional<SliceLease> claim(String runId, String workerId, Duration leaseTime);

  /**
   * Claims up to {@code max} claimable slices of a run at once, in the order
   * {@link #claim(String, String, Duration)} takes them, so that one round trip feeds every idle
   * worker thread of a process. Each lease is an ordinary lease: its slice must start (or be renewed)
   * before the lease expires, or another worker may take it. The default claims one at a time.
   *
   * <p>Every lease claimed is returned: when a claim fails after others succeeded, the call returns
   * those (a caller that lost them would leave their slices RUNNING with nobody working them) and the
   * failure surfaces on the caller's next claim. Only a failure of the first claim is thrown.
   *
   * @param runId the run
   * @param workerId the claiming worker
   * @param leaseTime how long each lease lasts without renewal
   * @param max the most slices to claim, at least 1
   * @return the leases, empty when nothing is claimable now
   * @throws IllegalArgumentException when {@code max < 1}
   */
  default java.util.List<SliceLease> claim(String runId, String workerId, Duration leaseTime, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, got " + max);
    }
    java.util.List<SliceLease> leases = new java.util.ArrayList<>();
    while (leases.size() < max) {
      Optional<SliceLease> lease;
      try {
        lease = claim(runId, workerId, leaseTime);
      } catch (RuntimeException e) {
        if (leases.isEmpty()) {
          throw e;
        }
        break; // keep the leases already claimed; the next claim meets the failure again
      }
      if (lease.isEmpty()) {
        break;
      }
      leases.add(lease.get());
    }
    return leases;
  }

  /**
   * Extends a lease (heartbeat).
   *
   * @param lease the current lease
   * @param leaseTime new lease length from now
   * @return the renewed lease, or empty when it was lost (expired and claimed by another worker)
   */
  Optional<SliceLease> renew(SliceLease lease, Duration leaseTime);

  /**
   * Records a failed attempt that will be retried by the same worker, and starts the next attempt.
   *
   * @param lease the current lease
   * @param error the failure
   * @return the lease for the next attempt (attempt + 1)
   * @throws LeaseLostException if the lease was lost
   */
  SliceLease nextAttempt(SliceLease lease, String error);

  /**
   * Records how a slice ended and, for SUCCEEDED, updates the state of its partitions. See the class
   * documentation for when this joins the writer's transaction.
   *
   * @param lease the current lease
   * @param outcome how it ended
   * @param transaction the slice writer, whose transaction a SUCCEEDED status joins when possible
   * @throws LeaseLostException if the lease was lost; nothing is recorded
   */
  void complete(SliceLease lease, SliceOutcome outcome, ResourceProvider transaction);

  /**
   * Returns every slice of a run that did not succeed (PENDING, RUNNING, FAILED, FAILED_CHECK,
   * CANCELLED, SKIPPED) to PENDING, for a resume. RUNNING slices get a new fencing token, so a
   * worker still holding them cannot commit.
   *
   * @param runId run id
   * @return number of slices reopened
   */
  int reopen(String runId);

  /**
   * Marks the PENDING slices of a run with another status (SKIPPED when a run stops early).
   *
   * @param runId run id
   * @param status new status
   * @param message reason, stored as the slices' error
   * @return number of slices changed
   */
  int markPending(String runId, SliceStatus status, String message);

  /**
   * Streams the partition states of a target to a consumer, in no particular order.
   *
   * @param target target name
   * @param action receives each state
   */
  void forEachPartitionState(String target, Consumer<PartitionState> action);

  /**
   * Marks partitions for reprocessing ({@code INVALIDATED}) until their next success.
   *
   * @param target target name
   * @param keys partition keys
   * @param runIdForNewStates run id recorded for partitions that had no state yet
   */
  void invalidate(String target, Collection<PartitionKey> keys, String runIdForNewStates);

  /**
   * Tells whether this store can record a slice's status in the transaction of a destination's
   * writers.
   *
   * @param destination the destination of the run
   * @return {@link Guarantee#EXACTLY_ONCE} when it can, else {@link Guarantee#AT_LEAST_ONCE}
   */
  Guarantee guaranteeWith(ResourceProvider destination);

  /**
   * Returns the current time of the store (a database's clock for shared stores), used for leases.
   *
   * @return now
   */
  Instant now();

  // ---------------------------------------------------------------------------------------------
  // One writer per target, and the run's end inside the destination's transaction

  /**
   * Acquires a target for a run, atomically across every process sharing this store: one run writes
   * a target at a time. The call succeeds when nobody holds the target, when {@code runId} holds it
   * already (a resume or another worker of the run: the lease is renewed), or when its holder run has
   * ended (SUCCEEDED, FAILED or CANCELLED, or it no longer exists). A holder run that is still
   * RUNNING or FINISHING keeps the target even when its lease expired (its process died): the run
   * must be resumed or marked failed first, so that its slices never write beside another run's.
   *
   * <p>The default grants every request without enforcing anything; shared stores must implement it
   * (the test kit's {@code StateStoreContract} checks it).
   *
   * @param target target name
   * @param runId run asking for it
   * @param workerId worker asking, for the holder's description
   * @param leaseTime how long the hold lasts without renewal
   * @return the lease holding the target after the call: held by {@code runId} when acquired, by
   *     another run when refused
   */
  default TargetLease acquireTarget(String target, String runId, String workerId, Duration leaseTime) {
    Instant now = now();
    return new TargetLease(target, runId, workerId, now, now.plus(leaseTime));
  }

  /**
   * Renews a run's hold on its target (a heartbeat of any process working the run).
   *
   * @param target target name
   * @param runId the holding run
   * @param leaseTime new lease length from now
   * @return false when the run does not hold the target any more
   */
  default boolean renewTarget(String target, String runId, Duration leaseTime) {
    return true;
  }

  /**
   * Releases a run's hold on its target when the run ended; does nothing when it does not hold it.
   *
   * @param target target name
   * @param runId the run
   */
  default void releaseTarget(String target, String runId) {}

  /**
   * Returns who holds a target now.
   *
   * @param target target name
   * @return the lease, empty when nobody holds it
   */
  default Optional<TargetLease> targetLease(String target) {
    return Optional.empty();
  }

  /**
   * Sets a run's final status inside another component's transaction, when this store can join it
   * (see {@link #guaranteeWith}): the full-rebuild swap and the run's SUCCEEDED then commit together.
   *
   * @param runId run id
   * @param status final status
   * @param finishedAt finish time
   * @param message outcome summary
   * @param transaction the other transaction's resources
   * @return true when written in that transaction; false when nothing was written (the caller then
   *     uses {@link #updateRun} after the other transaction committed)
   */
  default boolean updateRunWithin(String runId, RunStatus status, Instant finishedAt, String message,
      ResourceProvider transaction) {
    return false;
  }

  // ---- Graph runs (issue 16): claiming one slice by index --------------------------------------

  /**
   * Claims one given slice of a run if it is claimable now: PENDING, or RUNNING under an expired lease
   * (its attempt counter increases). Sets it RUNNING with a new lease and a new fencing token, as
   * {@link #claim(String, String, Duration)} does. Graph runs ({@code BackfillGraph}) claim this way,
   * since a downstream slice may only start once the upstream partitions it needs have succeeded.
   * The default refuses: stores that can run graphs override it atomically.
   *
   * @param runId run id
   * @param index the slice's index
   * @param workerId the claiming worker
   * @param leaseTime how long the lease lasts without renewal
   * @return the lease, or empty when that slice is not claimable now (held under a live lease, or ended)
   * @throws UnsupportedOperationException when the store cannot claim a slice by index
   */
  default Optional<SliceLease> claimSlice(String runId, int index, String workerId, Duration leaseTime) {
    throw new UnsupportedOperationException(getClass().getName() + " cannot claim a slice by index, which graph runs"
        + " need; use InMemoryStateStore or JdbcStateStore, or implement StateStore.claimSlice");
  }

  // =============================================================================================
  // Operator's view (issue 15): history across targets, who started a run, heartbeats that tell a
  // live run from a stalled one, cancel requests that reach every worker in any JVM, and the log
  // excerpt of every attempt. The defaults keep stores written before these methods working (with
  // less history); the stores of this library override them all.

  /**
   * Lists runs across targets (or of the filter's one), newest first, filtered by status and
   * creation time, one page at a time. The records may carry an empty {@code planJson} (plans can be
   * large); {@link #run} returns the full record. The default serves only filters naming a target.
   *
   * @param filter target, statuses, creation window, offset and limit
   * @return the page of runs, newest first
   * @throws UnsupportedOperationException when the filter names no target and the store cannot list
   *     all runs
   */
  default List<RunRecord> runs(RunFilter filter) {
    String target = filter.target();
    if (target == null) {
      throw new UnsupportedOperationException(getClass().getSimpleName()
          + " cannot list runs across targets; name a target with RunFilter.all().target(...)");
    }
    return runs(target).stream().filter(filter::matches).skip(filter.offset()).limit(filter.limit()).toList();
  }

  /**
   * Records what the operator's view shows about how a run was started (who, where, with which
   * options), as JSON written by the executor; stores keep it verbatim. The default keeps nothing.
   *
   * @param runId run id
   * @param json the run's start information
   */
  default void recordRunInfo(String runId, String json) {}

  /**
   * Returns what {@link #recordRunInfo} recorded.
   *
   * @param runId run id
   * @return the JSON, if recorded
   */
  default Optional<String> runInfo(String runId) {
    return Optional.empty();
  }

  /**
   * Tells the store that a worker of a run is alive for at least another lease time, measured in
   * the store's time. Every worker process of a run calls it regularly, busy or idle. The default
   * keeps nothing (slice leases alone then tell whether a run is alive).
   *
   * @param runId run id
   * @param workerId the worker
   * @param leaseTime how long the worker vouches for itself from now
   */
  default void heartbeat(String runId, String workerId, Duration leaseTime) {}

  /**
   * Returns until when some worker of a run has vouched to be alive: the latest of the run's
   * heartbeats and the leases of its RUNNING slices, in the store's time ({@link #now}). A RUNNING
   * run whose time has passed is stalled: its workers stopped without finishing it.
   *
   * @param runId run id
   * @return the instant, empty when no worker ever vouched
   */
  default Optional<Instant> aliveUntil(String runId) {
    return slices(runId).stream().filter(s -> s.status() == SliceStatus.RUNNING).map(SliceRecord::leaseUntil)
        .filter(Objects::nonNull).max(Instant::compareTo);
  }

  /**
   * Records a request to cancel a run; every worker of the run, in any process, sees it at its next
   * heartbeat or claim and cancels its part. An IMMEDIATE request replaces a GRACEFUL one, never the
   * other way round.
   *
   * @param runId run id
   * @param mode how to cancel
   * @param requestedBy who asks (user, host, tool), for the history
   * @return true when recorded; false when the run is not RUNNING or FINISHING
   * @throws UnsupportedOperationException when the store cannot record requests (the default)
   */
  default boolean requestCancel(String runId, CancelMode mode, String requestedBy) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot record cancel requests");
  }

  /**
   * Returns the pending cancel request of a run.
   *
   * @param runId run id
   * @return the request, if one was made since the run last (re)started
   */
  default Optional<CancelRequest> cancelRequest(String runId) {
    return Optional.empty();
  }

  /**
   * Forgets a run's cancel request; called when the run is resumed.
   *
   * @param runId run id
   */
  default void clearCancelRequest(String runId) {}

  /**
   * Like {@link #nextAttempt(SliceLease, String)}, and keeps the failed attempt's log excerpt with it.
   * The default drops the excerpt.
   *
   * @param lease the current lease
   * @param error the failure
   * @param logExcerpt last log lines of the failed attempt, or null
   * @return the lease for the next attempt
   * @throws LeaseLostException if the lease was lost
   */
  default SliceLease nextAttempt(SliceLease lease, String error, @Nullable String logExcerpt) {
    return nextAttempt(lease, error);
  }

  // =============================================================================================
  // Huge runs in bounded memory (issue 13): the attempts of a range of slices, so that the history
  // of a run of millions of slices can be read page by page, like its slices.

  /**
   * Reads the finished attempts of the slices of one page of a run: those whose slice index is at
   * least {@code fromIndex} and below {@code fromIndex + limit}, the same range that
   * {@link #slices(String, int, int)} reads. They come in slice index order, and the attempts of one
   * slice oldest first (by attempt number). {@link dev.backfill.RunHistory} reads the history of a
   * big run page by page through this method and {@link #slices(String, int, int)}, so that a run of
   * millions of slices and attempts is never held in memory at once; a store whose runs can be that
   * big should override the default, which reads every attempt of the run and keeps those of the range.
   *
   * <pre>{@code
   * List<SliceRecord> page = store.slices(runId, 2000, 1000);
   * List<SliceAttempt> tried = store.attempts(runId, 2000, 1000);   // attempts of slices 2000..2999
   * }</pre>
   *
   * @param runId run id
   * @param fromIndex the first slice index whose attempts to read (0 for the start)
   * @param limit how many slice indexes the range covers, at least 1 (not the most attempts returned:
   *     a slice may have several)
   * @return the attempts of slices {@code fromIndex} to {@code fromIndex + limit - 1}, by slice index
   *     and then attempt number
   * @throws IllegalArgumentException if {@code fromIndex < 0} or {@code limit < 1}
   */
  default List<SliceAttempt> attempts(String runId, int fromIndex, int limit) {
    checkPage(fromIndex, limit);
    long to = (long) fromIndex + limit;
    return attempts(runId).stream().filter(a -> a.index() >= fromIndex && a.index() < to)
        .sorted(java.util.Comparator.comparingInt(SliceAttempt::index).thenComparingInt(SliceAttempt::attempt))
        .toList();
  }
}
