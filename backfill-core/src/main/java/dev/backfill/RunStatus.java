package dev.backfill;

/** The state of a run. */
public enum RunStatus {
  /** Slices are being executed. */
  RUNNING,
  /** Every slice is done and one worker is finishing the run (run checks, full-rebuild swap); a resume treats it as running. */
  FINISHING,
  /** Every slice committed. */
  SUCCEEDED,
  /** At least one slice did not commit (failed, failed its checks or was skipped). */
  FAILED,
  /** Cancelled by an operator; resumable. */
  CANCELLED;

  /**
   * Tells whether the run has ended: SUCCEEDED, FAILED or CANCELLED (a FAILED or CANCELLED run can
   * still be resumed, which starts it again).
   *
   * @return true for a final status
   */
  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
