package dev.backfill.testkit;

import dev.backfill.PartitionKey;
import dev.backfill.RunStatus;
import dev.backfill.Sleeper;
import dev.backfill.SliceStatus;
import dev.backfill.spi.ResourceProvider;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceOutcome;
import dev.backfill.spi.SliceRecord;
import dev.backfill.spi.StateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@link StateStore} wrapper that injects failures and latency into the store's writes; made by
 * {@link Faults#stateStore}. Reads are forwarded untouched. Rules on {@code RENEW},
 * {@code NEXT_ATTEMPT} and {@code COMPLETE} can name a partition: they match leases on slices that
 * contain it.
 *
 * <pre>{@code
 * StateStore flaky = Faults.stateStore(store)
 *     .failOnCall(FaultyStateStore.Op.COMPLETE, 2, () -> new IllegalStateException("store down"));
 * }</pre>
 */
public final class FaultyStateStore extends ForwardingStateStore {
  /** The operations a store rule applies to. */
  public enum Op {
    /** {@link StateStore#createRun}. */
    CREATE_RUN,
    /** {@link StateStore#updateRun}. */
    UPDATE_RUN,
    /** {@link StateStore#claim} and {@link StateStore#claimSlice}. */
    CLAIM,
    /** {@link StateStore#renew}. */
    RENEW,
    /** {@link StateStore#nextAttempt}. */
    NEXT_ATTEMPT,
    /** {@link StateStore#complete}. */
    COMPLETE,
    /** {@link StateStore#reopen}. */
    REOPEN,
    /** {@link StateStore#markPending}. */
    MARK_PENDING,
    /** {@link StateStore#invalidate}. */
    INVALIDATE
  }

  private final FaultRules<Op> rules = new FaultRules<>(Op.class);

  FaultyStateStore(StateStore delegate) {
    super(delegate);
  }

  /**
   * Fails the n-th call of an operation, before the wrapped store sees it.
   *
   * @param op the operation
   * @param n call number, from 1
   * @param failure the exception to throw
   * @return this store
   */
  public FaultyStateStore failOnCall(Op op, int n, Supplier<? extends RuntimeException> failure) {
    rules.onCall(op, n, rules.fail(failure));
    return this;
  }

  /**
   * Fails the first {@code times} calls of a lease operation on slices containing a partition.
   *
   * @param op RENEW, NEXT_ATTEMPT or COMPLETE
   * @param partitionKey canonical key
   * @param times how many calls fail
   * @param failure the exception to throw
   * @return this store
   */
  public FaultyStateStore failPartition(Op op, String partitionKey, int times, Supplier<? extends RuntimeException> failure) {
    if (op != Op.RENEW && op != Op.NEXT_ATTEMPT && op != Op.COMPLETE) {
      throw new IllegalArgumentException(op + " has no slice; partition rules apply to RENEW, NEXT_ATTEMPT and COMPLETE");
    }
    rules.onPartition(op, partitionKey, times, rules.fail(failure));
    return this;
  }

  /**
   * Makes every call of an operation take a while (a slow or distant database).
   *
   * @param op the operation
   * @param perCall latency of each call
   * @param sleeper how to wait
   * @return this store
   */
  public FaultyStateStore latency(Op op, Duration perCall, Sleeper sleeper) {
    rules.always(op, null, rules.delay(perCall, sleeper));
    return this;
  }

  /**
   * Counts calls of an operation so far.
   *
   * @param op the operation
   * @return calls, failed ones included
   */
  public int calls(Op op) {
    return rules.calls(op);
  }

  /**
   * Counts the failures injected so far.
   *
   * @return injected failures
   */
  public int injectedFailures() {
    return rules.injected();
  }

  private void before(Op op, @Nullable SliceLease lease) {
    List<String> partitions = lease == null ? List.of() : partitionsOf(lease);
    try {
      rules.before(op, partitions, null);
    } catch (RuntimeException e) {
      throw e;
    } catch (InterruptedException e) {
      // latency cut short: a store call is not interruptible, keep the flag for the caller
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IllegalStateException("unexpected checked exception from an injected store fault", e);
    }
  }

  private List<String> partitionsOf(SliceLease lease) {
    List<SliceRecord> slices = delegate().slices(lease.runId());
    return lease.index() < slices.size() ? slices.get(lease.index()).partitions() : List.of();
  }

  @Override
  public void createRun(RunRecord run, List<SliceRecord> slices) {
    before(Op.CREATE_RUN, null);
    super.createRun(run, slices);
  }

  @Override
  public void updateRun(String runId, RunStatus status, @Nullable Instant finishedAt, String message) {
    before(Op.UPDATE_RUN, null);
    super.updateRun(runId, status, finishedAt, message);
  }

  @Override
  public Optional<SliceLease> claim(String runId, String workerId, Duration leaseTime) {
    before(Op.CLAIM, null);
    return super.claim(runId, workerId, leaseTime);
  }

  /** A batch claim is one claim: one chance for the fault. */
  @Override
  public java.util.List<SliceLease> claim(String runId, String workerId, Duration leaseTime, int max) {
    before(Op.CLAIM, null);
    return super.claim(runId, workerId, leaseTime, max);
  }

  @Override
  public Optional<SliceLease> claimSlice(String runId, int index, String workerId, Duration leaseTime) {
    before(Op.CLAIM, null);
    return super.claimSlice(runId, index, workerId, leaseTime);
  }

  @Override
  public Optional<SliceLease> renew(SliceLease lease, Duration leaseTime) {
    before(Op.RENEW, lease);
    return super.renew(lease, leaseTime);
  }

  @Override
  public SliceLease nextAttempt(SliceLease lease, String error) {
    before(Op.NEXT_ATTEMPT, lease);
    return super.nextAttempt(lease, error);
  }

  @Override
  public void complete(SliceLease lease, SliceOutcome outcome, ResourceProvider transaction) {
    before(Op.COMPLETE, lease);
    super.complete(lease, outcome, transaction);
  }

  @Override
  public int reopen(String runId) {
    before(Op.REOPEN, null);
    return super.reopen(runId);
  }

  @Override
  public int markPending(String runId, SliceStatus status, String message) {
    before(Op.MARK_PENDING, null);
    return super.markPending(runId, status, message);
  }

  @Override
  public void invalidate(String target, Collection<PartitionKey> keys, String runIdForNewStates) {
    before(Op.INVALIDATE, null);
    super.invalidate(target, keys, runIdForNewStates);
  }
}
