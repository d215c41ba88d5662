package dev.backfill;

/** Why a partition is planned, and which partitions a plan selects. */
public enum Selection {
  /** Never succeeded. */
  MISSING,
  /** Its last attempt failed. */
  FAILED,
  /** Marked for reprocessing with Backfill.invalidate after its last success. */
  INVALIDATED,
  /** Its last success used another logic version. */
  LOGIC_CHANGED,
  /** Everything in the range, whatever its history. */
  RESTATE
}
