package dev.backfill.testkit;

import static java.util.Objects.requireNonNull;

import dev.backfill.CancelMode;

/**
 * When a stepped run is cancelled: after a number of slices settled, with a mode. Generate with
 * {@link BackfillArbitraries#cancelPoints}, apply with {@link BackfillTestDriver#cancelAt}.
 *
 * @param afterSlices slices that settle before the cancel, 0 or more
 * @param mode GRACEFUL or IMMEDIATE
 */
public record CancelPoint(int afterSlices, CancelMode mode) {

  /**
   * Validates the point.
   *
   * @param afterSlices slices before the cancel
   * @param mode cancel mode
   */
  public CancelPoint {
    if (afterSlices < 0) {
      throw new IllegalArgumentException("afterSlices must be >= 0, got " + afterSlices);
    }
    requireNonNull(mode, "mode");
  }
}
