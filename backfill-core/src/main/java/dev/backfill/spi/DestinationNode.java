package dev.backfill.spi;

import dev.backfill.Partitioning;
import dev.backfill.Slice;
import dev.backfill.WriteStrategy;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a backfill writes. Opens one {@link SliceWriter} per slice for the run's
 * {@link WriteStrategy}; run-level hooks carry full-rebuild preparation and the final swap.
 *
 * <p>Guarantees expected of implementations, checked by the test kit's {@code DestinationContract}:
 * each slice is atomic (readers see all of it after commit, nothing of it before or after abort);
 * overwrite, merge and full rebuild are idempotent (re-running a committed slice leaves the
 * destination unchanged); a full rebuild swaps atomically in {@link #finishRun} only when the run
 * succeeded and otherwise leaves the live destination untouched. Implementations are thread-safe:
 * writers for different slices run concurrently.
 *
 * @param <T> record type
 */
public interface DestinationNode<T> extends ResourceProvider {

  /**
   * Rejects, before anything runs, a strategy this destination cannot honour.
   *
   * @param strategy the configured strategy
   * @param partitioning the target's partitioning
   * @throws dev.backfill.InvalidConfigurationException naming what is unsupported
   */
  default void validate(WriteStrategy strategy, Partitioning partitioning) {}

  /**
   * Checks, before anything runs, that every token this destination refers to (for example in the
   * query of a pushdown destination) is defined, as {@link SourceNode#validate(Set)} does for sources.
   *
   * @param tokens the token names every slice of the plan defines
   * @throws dev.backfill.UnknownTokenException naming the unknown token and the known ones
   */
  default void validate(Set<String> tokens) {}

  /**
   * Checks, before any slice runs, what only the destination itself can tell: for a table, that a
   * merge has a unique key on its key columns, that partition values stay distinct under the
   * column's collation, that time columns can tell the slice's instants apart. Called when a range
   * is planned and again before a plan is executed (the table may have changed in between). Errors
   * refuse the plan or run with an {@link dev.backfill.InvalidConfigurationException} carrying their
   * messages, so nothing is written and no run is created; warnings are listed in the plan.
   *
   * @param context the backfill's strategy, partitioning and the range
   * @return findings, empty when all is well (the default)
   * @throws Exception when the destination cannot be inspected; planning then fails with it
   */
  default List<PreflightFinding> preflight(PreflightContext context) throws Exception {
    return List.of();
  }

  /**
   * Prepares a run, for example creating the shadow table of a full rebuild. On a resumed run an
   * existing shadow is kept and filled further.
   *
   * @param run the run
   * @throws Exception when preparation fails; the run then fails before any slice
   */
  default void beginRun(RunContext run) throws Exception {}

  /**
   * Opens a writer for one slice.
   *
   * @param slice the slice to write
   * @param strategy the run's strategy
   * @param context run-time context of the attempt
   * @return a writer in its own transaction
   * @throws Exception when the writer cannot be opened
   */
  SliceWriter<T> open(Slice slice, WriteStrategy strategy, SliceContext context) throws Exception;

  /**
   * Ends a run. For a full rebuild: swap the shadow in atomically when {@code outcome.succeeded()},
   * otherwise leave the live destination untouched (the shadow may stay for a resume).
   *
   * @param run the run
   * @param outcome whether every slice committed and the run checks passed
   * @throws Exception when the swap fails; the live destination must then be unchanged
   */
  default void finishRun(RunContext run, RunOutcome outcome) throws Exception {}

  /**
   * Ends a run, recording its final status through {@code commit}. A destination whose end makes the
   * run's result visible in a transaction (the swap of a full rebuild) calls
   * {@link RunCommit#joinTransaction} inside that transaction just before it commits, so that the
   * result and the run's status are one decision a resume can read. After its transaction committed
   * it must not throw. The default calls {@link #finishRun(RunContext, RunOutcome)} and lets the
   * executor record the status afterwards.
   *
   * @param run the run
   * @param outcome whether every slice committed and the run checks passed
   * @param commit records the run's final status in the destination's transaction when possible
   * @throws Exception when ending fails before anything became visible; the run then FAILED
   */
  default void finishRun(RunContext run, RunOutcome outcome, RunCommit commit) throws Exception {
    finishRun(run, outcome);
  }

  /**
   * Returns the lock this destination shares with the host's other writers of it (see
   * {@link dev.backfill.DestinationLock}); a run holds it from its start to its end. None by default.
   *
   * @return the lock, if the destination has one
   */
  default Optional<dev.backfill.DestinationLock> lock() {
    return Optional.empty();
  }

  /**
   * Tells whether this destination moves data itself ({@code INSERT ... SELECT}) through
   * {@link SliceWriter#transfer()}, so the backfill has no source.
   *
   * @return true for pushdown destinations
   */
  default boolean isPushdown() {
    return false;
  }

  /**
   * Returns a short description for plans and logs; must not contain secrets.
   *
   * @return description
   */
  default String describe() {
    return getClass().getSimpleName();
  }

  /**
   * Tells whether a slice's writer makes all of its data visible in the one transaction that
   * {@link SliceWriter#commit()} commits, so that a state store sharing it can record the slice in it
   * (exactly-once). A writer that makes data visible after that commit (for example by exchanging a
   * table partition, DDL that commits on its own) returns false, and runs of that strategy are
   * at-least-once: a slice interrupted in between runs again. True by default.
   *
   * @param strategy the run's strategy
   * @return true when a slice's data commits in one transaction
   */
  default boolean commitsInOneTransaction(WriteStrategy strategy) {
    return true;
  }
}
