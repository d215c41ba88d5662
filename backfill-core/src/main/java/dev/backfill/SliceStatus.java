package dev.backfill;

/** The state of one slice in a run. */
public enum SliceStatus {
  /** Not started yet (or reopened by a resume). */
  PENDING,
  /** Claimed by a worker; an attempt is in progress or the worker died holding it. */
  RUNNING,
  /** Committed; never run again by a resume. */
  SUCCEEDED,
  /** Every allowed attempt failed, or the failure was not transient; nothing of it was committed. */
  FAILED,
  /** A check failed before commit; nothing of it was committed. */
  FAILED_CHECK,
  /** Aborted and rolled back by an IMMEDIATE cancel. */
  CANCELLED,
  /** Not started because the run stopped after too many failures. */
  SKIPPED
}
