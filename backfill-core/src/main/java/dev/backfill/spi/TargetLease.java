package dev.backfill.spi;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * Which run holds a target: one run writes a target at a time, across every process sharing the
 * state store (see {@link StateStore#acquireTarget}).
 *
 * @param target target name
 * @param runId the run holding it
 * @param workerId the worker that acquired or last renewed it
 * @param since when the run acquired it
 * @param leaseUntil until when it is held without renewal, in the store's time
 */
public record TargetLease(String target, String runId, String workerId, Instant since, Instant leaseUntil) {

  /**
   * Validates the lease.
   *
   * @param target target
   * @param runId run id
   * @param workerId worker id
   * @param since acquired at
   * @param leaseUntil lease end
   */
  public TargetLease {
    requireNonNull(target, "target");
    requireNonNull(runId, "runId");
    requireNonNull(workerId, "workerId");
    requireNonNull(since, "since");
    requireNonNull(leaseUntil, "leaseUntil");
  }

  /**
   * Tells whether a run holds this lease.
   *
   * @param run run id
   * @return true when {@code run} is the holder
   */
  public boolean heldBy(String run) {
    return runId.equals(run);
  }
}
