package dev.backfill;

/** Why a partition is planned, and which partitions a plan selects. */
public enum Selection {
  /** Never succeeded. */
  MISSING,
  /** Its last attempt failed. */
  FAILED,
  /**
   * Its last success ran before the partition was complete (before {@code end + lateness}, with
   * {@code PlanOptions.allowPartial()}), so it holds partial data; selected again once complete.
   */
  PARTIAL,
  /** Marked for reprocessing with Backfill.invalidate after its last success. */
  INVALIDATED,
  /** Its last success used another logic version. */
  LOGIC_CHANGED,
  /** Everything in the range, whatever its history. */
  RESTATE
}
