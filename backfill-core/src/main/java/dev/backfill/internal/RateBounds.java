package dev.backfill.internal;

import java.time.Duration;

/**
 * How long work takes: slices of a mean duration spread over the lanes of a run, and no less than
 * its rate limits allow. One reasoning for the live ETA ({@link ProgressTracker}, the stored
 * progress) and the plan's estimate ({@link dev.backfill.BackfillPlan#cost(dev.backfill.ExecutionOptions)}),
 * so that what a plan announces and what a run then predicts agree. Retry backoff has no term of its
 * own: it is inside the measured durations.
 */
public final class RateBounds {
  private RateBounds() {}

  /**
   * The time {@code slices} slices of a mean duration take on {@code concurrency} lanes: never fewer
   * lanes than one, nor more than there are slices.
   *
   * @param meanNanos mean duration of a slice
   * @param slices slices left
   * @param concurrency slices in flight at once
   * @return nanoseconds
   */
  public static double onLanes(double meanNanos, long slices, int concurrency) {
    long lanes = Math.max(1, Math.min(concurrency, slices));
    return meanNanos * slices / lanes;
  }

  /**
   * The time an amount takes at a rate limit: slices at slices per second, rows at rows per second.
   * Slices of a run share one limiter and queue for it however many run at once.
   *
   * @param amount slices, rows or requests
   * @param perSecond the limit, 0 for none
   * @return nanoseconds, 0 without a limit
   */
  public static double atLimit(double amount, double perSecond) {
    return perSecond > 0 ? amount / perSecond * 1e9 : 0;
  }

  /**
   * The time left for {@code left} slices of a mean duration on {@code concurrency} lanes, and no
   * less than a slice rate limit allows.
   *
   * @param meanNanos mean duration of a slice
   * @param left slices left
   * @param concurrency slices in flight at once
   * @param slicesPerSecond slice rate limit, 0 for none
   * @return the time left
   */
  public static Duration eta(double meanNanos, long left, int concurrency, double slicesPerSecond) {
    return Duration.ofNanos(Math.round(Math.max(onLanes(meanNanos, left, concurrency), atLimit(left, slicesPerSecond))));
  }
}
