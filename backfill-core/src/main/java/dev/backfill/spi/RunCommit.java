package dev.backfill.spi;

/**
 * Lets a destination record a run's final status inside the transaction that makes the run's result
 * visible, such as the swap of a full rebuild, so that the result and the status commit together
 * and a resume can never see one without the other (see
 * {@link DestinationNode#finishRun(RunContext, RunOutcome, RunCommit)}).
 */
@FunctionalInterface
public interface RunCommit {

  /**
   * Writes the run's final status inside the destination's open transaction, if the state store can
   * join it (the same database and {@code DataSource}). Call it just before that transaction commits.
   *
   * @param transaction hands out the transaction's resources, e.g. its {@code java.sql.Connection}
   * @return true when the status was written in the transaction (it commits or rolls back with it);
   *     false when nothing was written, and the executor records the status after
   *     {@code finishRun} returned
   */
  boolean joinTransaction(ResourceProvider transaction);
}
