package dev.backfill;

/** How to cancel a running backfill. */
public enum CancelMode {
  /** Running slices finish (commit or fail); no new slice starts. */
  GRACEFUL,
  /** Running slices are interrupted and rolled back; no new slice starts. */
  IMMEDIATE
}
