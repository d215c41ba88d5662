package dev.backfill.spi;

import dev.backfill.Slice;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The run-time context of one attempt at one slice, handed to sources and writers.
 *
 * <p>Long-running reads and writes should call {@link #throwIfCancelled()} between batches and may
 * register {@link #onCancel} callbacks (for example {@code Statement.cancel()}) so that an IMMEDIATE
 * cancel or a timeout stops them promptly.
 */
public interface SliceContext {

  /**
   * Returns the run id.
   *
   * @return run id
   */
  String runId();

  /**
   * Returns the target name.
   *
   * @return target
   */
  String target();

  /**
   * Returns the slice being processed.
   *
   * @return the slice
   */
  Slice slice();

  /**
   * Returns the attempt number, starting at 1.
   *
   * @return attempt
   */
  int attempt();

  /**
   * Returns the clock of the run.
   *
   * @return clock
   */
  Clock clock();

  /**
   * Returns the deadline of this attempt when a per-slice timeout is set.
   *
   * @return deadline
   */
  Optional<Instant> deadline();

  /**
   * Tells whether the attempt was cancelled (operator cancel, timeout or lost lease).
   *
   * @return true once cancelled
   */
  boolean isCancelled();

  /**
   * Throws when the attempt was cancelled.
   *
   * @throws SliceCancelledException when cancelled
   */
  default void throwIfCancelled() {
    if (isCancelled()) {
      throw new SliceCancelledException("slice " + slice().key() + " of run " + runId() + " was cancelled");
    }
  }

  /**
   * Registers a callback run once when the attempt is cancelled (immediately if it already is).
   * Callbacks run on another thread than the attempt; they must be thread-safe and quick.
   *
   * @param action what to do on cancel, e.g. {@code statement::cancel}
   */
  void onCancel(Runnable action);

  /**
   * Returns the run's request limit, shared by all its slices in this process: call
   * {@link RequestLimiter#acquire()} before each request to a quota'd service. Unlimited unless the run
   * was started with {@code ExecutionOptions.Builder.requestsPerSecond}.
   *
   * @return the limiter
   */
  default RequestLimiter requests() {
    return RequestLimiter.UNLIMITED;
  }

  /**
   * Tells whether this attempt's session is exactly-once: its state store records the slice's end
   * inside the writer's own transaction, so the writer must make all of the slice's data visible in
   * that one commit. A writer that could take a faster path committing on its own (see
   * {@link DestinationNode#commitsInOneTransaction}) takes it only when this is false. The session
   * decides once, when it starts, so a destination that changed shape since (a table partitioned in
   * the middle of a run) cannot lower a run's guarantee. True by default, the safe answer when unknown.
   *
   * @return true when the slice's end is recorded in the writer's transaction
   */
  default boolean exactlyOnce() {
    return true;
  }
}
