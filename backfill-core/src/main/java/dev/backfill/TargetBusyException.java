package dev.backfill;

import dev.backfill.spi.TargetLease;

/**
 * A run of a target was refused because another run of the same target is active: one run writes a
 * target at a time, across every process sharing the state store. The message names the holder
 * (run id, worker, since when) and what to do.
 */
public class TargetBusyException extends BackfillException {
  private static final long serialVersionUID = 1L;

  /** The holder, transient because records are not serializable. */
  private final transient TargetLease holder;

  /**
   * Creates the exception.
   *
   * @param message who holds the target and what to do
   * @param holder the lease of the run holding the target
   */
  public TargetBusyException(String message, TargetLease holder) {
    super(message);
    this.holder = holder;
  }

  /**
   * Returns the lease of the run holding the target.
   *
   * @return the holder
   */
  public TargetLease holder() {
    return holder;
  }
}
