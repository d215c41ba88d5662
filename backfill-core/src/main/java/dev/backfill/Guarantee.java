package dev.backfill;

/** What a crash between a slice's commit and its status can cause. */
public enum Guarantee {
  /** Slice data and its SUCCEEDED status commit in one transaction; a crash leaves each slice fully recorded or not at all. */
  EXACTLY_ONCE,
  /** Status is recorded after the data commits; a crash in between re-runs the slice, harmless for idempotent strategies but duplicating appends. */
  AT_LEAST_ONCE
}
