package dev.backfill.testkit;

/** Where in a slice's life a {@link Crash} kills the simulated process. */
public enum CrashPoint {
  /** When the slice's writer is opened, before any record is written. */
  BEFORE_WRITE,
  /** After the slice's first batch was written into its (uncommitted) transaction. */
  MID_WRITE,
  /** After every record and the checks, just before the writer commits. */
  AFTER_WRITE_BEFORE_COMMIT,
  /**
   * Right after the writer committed, before the executor records the slice's status. With an
   * at-least-once store the data is committed and the slice still RUNNING; with an exactly-once
   * store the status was recorded inside the committed transaction.
   */
  AFTER_COMMIT_BEFORE_STATUS
}
