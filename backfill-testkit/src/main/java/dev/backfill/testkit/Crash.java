package dev.backfill.testkit;

import static java.util.Objects.requireNonNull;

import dev.backfill.PartitionKey;
import dev.backfill.RunStatus;
import dev.backfill.Slice;
import dev.backfill.SliceStats;
import dev.backfill.SliceStatus;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.RecordSink;
import dev.backfill.spi.ResourceProvider;
import dev.backfill.spi.RunCommit;
import dev.backfill.spi.RunContext;
import dev.backfill.spi.RunOutcome;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceOutcome;
import dev.backfill.spi.SliceRecord;
import dev.backfill.spi.SliceWriter;
import dev.backfill.spi.SourceNode;
import dev.backfill.spi.StateStore;
import dev.backfill.spi.TargetLease;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Simulates a process killed at a chosen point of a slice, leaving the destination and the state
 * store exactly as a real crash would, so that a later resume shows the real recovery.
 *
 * <p>Wrap the destination and the state store (and optionally the source) of one backfill with the
 * same {@code Crash}. When the first matching slice reaches the {@link CrashPoint}, the process
 * "dies": the call throws {@link SimulatedCrash}, every later call into the wrapped nodes fails or
 * is dropped, and the wrapped store records nothing more (claims find nothing, so the executor
 * stops). Open transactions are rolled back ({@code abort} still reaches the destination), as the
 * database does when a connection dies; a committed transaction stays committed. The run's report
 * then shows what the store held at the moment of the crash. To "restart the process", build the
 * same backfill on the unwrapped destination and store and resume the run.
 *
 * <pre>{@code
 * Crash crash = Crash.at(CrashPoint.AFTER_COMMIT_BEFORE_STATUS).onPartition("2024-03-03");
 * Backfill<Row> dying = pipeline(crash.destination(mart), crash.stateStore(store));
 * String runId = dying.execute(plan).await().runId();
 * assertThat(crash.happened()).isTrue();
 * RunReport resumed = pipeline(mart, store).resume(runId).await();   // 2024-03-03 runs again
 * }</pre>
 */
public final class Crash {
  private final CrashPoint point;
  private volatile @Nullable String partition;
  private final AtomicReference<@Nullable String> crashedAt = new AtomicReference<>();

  private Crash(CrashPoint point) {
    this.point = point;
  }

  /**
   * Creates a crash at a point of the first slice that reaches it.
   *
   * @param point where the process dies
   * @return the crash
   */
  public static Crash at(CrashPoint point) {
    return new Crash(requireNonNull(point, "point"));
  }

  /**
   * Restricts the crash to the first slice containing a partition.
   *
   * @param partitionKey canonical key
   * @return this crash
   */
  public Crash onPartition(String partitionKey) {
    this.partition = requireNonNull(partitionKey, "partitionKey");
    return this;
  }

  /**
   * Tells whether the process died.
   *
   * @return true after the crash
   */
  public boolean happened() {
    return crashedAt.get() != null;
  }

  /**
   * Returns the key of the slice during which the process died.
   *
   * @return the slice key, once crashed
   */
  public Optional<String> crashedSlice() {
    return Optional.ofNullable(crashedAt.get());
  }

  /**
   * Returns the crash point.
   *
   * @return the point
   */
  public CrashPoint point() {
    return point;
  }

  /**
   * Wraps a destination: the crash points are reached in its writers; after the crash it opens and
   * commits nothing and its run is never finished (no full-rebuild swap).
   *
   * @param destination the destination
   * @param <T> record type
   * @return the wrapped destination
   */
  public <T> DestinationNode<T> destination(DestinationNode<T> destination) {
    return new CrashingDestination<>(requireNonNull(destination, "destination"));
  }

  /**
   * Wraps a state store: after the crash it records nothing (writes are dropped, claims find
   * nothing) while reads still show the store's content.
   *
   * @param store the store
   * @return the wrapped store
   */
  public StateStore stateStore(StateStore store) {
    return new DeadAfterCrashStore(requireNonNull(store, "store"));
  }

  /**
   * Wraps a source: after the crash its reads fail.
   *
   * @param source the source
   * @param <T> record type
   * @return the wrapped source
   */
  public <T> SourceNode<T> source(SourceNode<T> source) {
    return new ForwardingSource<>(requireNonNull(source, "source")) {
      @Override
      public void read(Slice slice, SliceContext context, RecordSink<? super T> sink) throws Exception {
        checkAlive("read " + slice.key());
        super.read(slice, context, sink);
      }
    };
  }

  private boolean matches(CrashPoint reached, Slice slice) {
    String p = partition;
    return reached == point && !happened()
        && (p == null || slice.partitions().stream().anyMatch(x -> x.key().value().equals(p)));
  }

  private void reach(CrashPoint reached, Slice slice) {
    if (matches(reached, slice) && crashedAt.compareAndSet(null, slice.key())) {
      throw new SimulatedCrash("simulated crash at " + reached + " of slice " + slice.key());
    }
  }

  private void checkAlive(String what) {
    String at = crashedAt.get();
    if (at != null) {
      throw new SimulatedCrash("cannot " + what + ": the process crashed during slice " + at);
    }
  }

  /** The destination of the crashing process. */
  private final class CrashingDestination<T> extends ForwardingDestination<T> {
    CrashingDestination(DestinationNode<T> delegate) {
      super(delegate);
    }

    @Override
    public void beginRun(RunContext run) throws Exception {
      checkAlive("begin run " + run.runId());
      super.beginRun(run);
    }

    @Override
    public SliceWriter<T> open(Slice slice, WriteStrategy strategy, SliceContext context) throws Exception {
      checkAlive("open slice " + slice.key());
      reach(CrashPoint.BEFORE_WRITE, slice);
      return new CrashingWriter<>(super.open(slice, strategy, context), slice);
    }

    @Override
    public void finishRun(RunContext run, RunOutcome outcome) throws Exception {
      if (happened()) {
        return; // a dead process never finishes its run
      }
      super.finishRun(run, outcome);
    }

    @Override
    public void finishRun(RunContext run, RunOutcome outcome, RunCommit commit) throws Exception {
      if (happened()) {
        return;
      }
      super.finishRun(run, outcome, commit);
    }
  }

  /** A writer of the crashing process; abort still reaches the wrapped writer. */
  private final class CrashingWriter<T> extends ForwardingSliceWriter<T> {
    private final Slice slice;

    CrashingWriter(SliceWriter<T> delegate, Slice slice) {
      super(delegate);
      this.slice = slice;
    }

    @Override
    public void write(List<? extends T> batch) throws Exception {
      checkAlive("write slice " + slice.key());
      super.write(batch);
      reach(CrashPoint.MID_WRITE, slice);
    }

    @Override
    public void transfer() throws Exception {
      checkAlive("transfer slice " + slice.key());
      super.transfer();
      reach(CrashPoint.MID_WRITE, slice);
    }

    @Override
    public SliceStats stats() throws Exception {
      checkAlive("measure slice " + slice.key());
      return super.stats();
    }

    @Override
    public void commit() throws Exception {
      checkAlive("commit slice " + slice.key());
      reach(CrashPoint.AFTER_WRITE_BEFORE_COMMIT, slice);
      super.commit();
      reach(CrashPoint.AFTER_COMMIT_BEFORE_STATUS, slice);
    }

    // abort is forwarded as is: the database rolls back what a dead connection left open
  }

  /** The store as seen by the crashing process: nothing is recorded after the crash. */
  private final class DeadAfterCrashStore extends ForwardingStateStore {
    DeadAfterCrashStore(StateStore delegate) {
      super(delegate);
    }

    @Override
    public void createRun(RunRecord run, List<SliceRecord> slices) {
      checkAlive("create run " + run.runId());
      super.createRun(run, slices);
    }

    @Override
    public void updateRun(String runId, RunStatus status, @Nullable Instant finishedAt, String message) {
      if (!happened()) {
        super.updateRun(runId, status, finishedAt, message);
      }
    }

    @Override
    public boolean transitionRun(String runId, RunStatus from, RunStatus to, @Nullable Instant finishedAt, String message) {
      return !happened() && super.transitionRun(runId, from, to, finishedAt, message);
    }

    @Override
    public java.util.Map<SliceStatus, Integer> countSlices(String runId) {
      // a dead process waits for nobody
      return happened() ? java.util.Map.of() : super.countSlices(runId);
    }

    @Override
    public Optional<SliceLease> claim(String runId, String workerId, Duration leaseTime) {
      return happened() ? Optional.empty() : super.claim(runId, workerId, leaseTime);
    }

    @Override
    public java.util.List<SliceLease> claim(String runId, String workerId, Duration leaseTime, int max) {
      return happened() ? java.util.List.of() : super.claim(runId, workerId, leaseTime, max);
    }

    @Override
    public Optional<SliceLease> claimSlice(String runId, int index, String workerId, Duration leaseTime) {
      return happened() ? Optional.empty() : super.claimSlice(runId, index, workerId, leaseTime);
    }

    @Override
    public Optional<SliceLease> renew(SliceLease lease, Duration leaseTime) {
      // no heartbeat leaves a dead process; the lease runs out in the store on its own
      return happened() ? Optional.of(lease) : super.renew(lease, leaseTime);
    }

    @Override
    public SliceLease nextAttempt(SliceLease lease, String error) {
      checkAlive("start another attempt");
      return super.nextAttempt(lease, error);
    }

    @Override
    public void complete(SliceLease lease, SliceOutcome outcome, ResourceProvider transaction) {
      if (!happened()) {
        super.complete(lease, outcome, transaction);
      }
    }

    @Override
    public int reopen(String runId) {
      return happened() ? 0 : super.reopen(runId);
    }

    @Override
    public int markPending(String runId, SliceStatus status, String message) {
      return happened() ? 0 : super.markPending(runId, status, message);
    }

    @Override
    public void invalidate(String target, Collection<PartitionKey> keys, String runIdForNewStates) {
      if (!happened()) {
        super.invalidate(target, keys, runIdForNewStates);
      }
    }

    @Override
    public TargetLease acquireTarget(String target, String runId, String workerId, Duration leaseTime) {
      checkAlive("hold target " + target);
      return super.acquireTarget(target, runId, workerId, leaseTime);
    }

    @Override
    public boolean renewTarget(String target, String runId, Duration leaseTime) {
      // no heartbeat leaves a dead process; its hold on the target runs out on its own
      return happened() || super.renewTarget(target, runId, leaseTime);
    }

    @Override
    public void releaseTarget(String target, String runId) {
      if (!happened()) {
        super.releaseTarget(target, runId);
      }
    }

    @Override
    public boolean updateRunWithin(String runId, RunStatus status, Instant finishedAt, String message,
        ResourceProvider transaction) {
      return !happened() && super.updateRunWithin(runId, status, finishedAt, message, transaction);
    }
  }
}
