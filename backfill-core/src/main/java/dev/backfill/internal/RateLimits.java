package dev.backfill.internal;

import dev.backfill.ExecutionOptions;
import dev.backfill.TimeSource;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The run's slice and row rate limits: Resilience4j rate limiters reading the run's time source, so
 * that permits are computed and waited for in the same (possibly virtual) time. A permit is reserved
 * first and the wait happens through the session, which a stop or cancel cuts short.
 */
final class RateLimits {
  private final @Nullable RateLimiter slices;
  private final @Nullable RateLimiter rows;
  private final int rowPermitsPerCall;
  private final @Nullable RateLimiter requests;

  private final TimeSource time;

  RateLimits(ExecutionOptions options, String runId, TimeSource time) {
    this.time = time;
    this.slices = options.slicesPerSecond() > 0 ? limiter("slices-" + runId, 1,
        Duration.ofNanos(Math.max(1, Math.round(1e9 / options.slicesPerSecond()))), time) : null;
    int perTenth = (int) Math.max(1, Math.min(Integer.MAX_VALUE, options.rowsPerSecond() / 10));
    this.rows = options.rowsPerSecond() > 0 ? limiter("rows-" + runId, perTenth, Duration.ofMillis(100), time) : null;
    this.rowPermitsPerCall = perTenth;
    this.requests = options.requestsPerSecond() > 0 ? limiter("requests-" + runId, 1,
        Duration.ofNanos(Math.max(1, Math.round(1e9 / options.requestsPerSecond()))), time) : null;
  }

  /**
   * The run's request limiter as a source sees it: each {@code acquire} reserves a permit and waits for
   * it inside the running slice, so only an IMMEDIATE cancel (or the attempt's own cancel) cuts it short.
   */
  dev.backfill.spi.RequestLimiter requestLimiter(RunSession<?> session, AttemptContext ctx) {
    RateLimiter limiter = requests;
    if (limiter == null) {
      return dev.backfill.spi.RequestLimiter.UNLIMITED;
    }
    return () -> {
      ctx.throwIfCancelled();
      long nanos = limiter.reservePermission();
      if (nanos > 0 && !session.awaitUnlessCancelledImmediately(until(time.nanoTime() + nanos))) {
        throw new dev.backfill.spi.SliceCancelledException("slice " + ctx.slice().key() + " of run " + ctx.runId()
            + " was cancelled while waiting for its request limit");
      }
      ctx.throwIfCancelled();
      session.tracker.requested();
    };
  }

  private static RateLimiter limiter(String name, int perPeriod, Duration period, TimeSource time) {
    RateLimiterConfig config = RateLimiterConfig.custom()
        .limitForPeriod(perPeriod)
        .limitRefreshPeriod(period)
        .timeoutDuration(Duration.ofDays(1))
        .build();
    return new AtomicRateLimiter(name, config, time::nanoTime);
  }

  /**
   * Waits until a slice may start.
   *
   * @return false when the wait was cut short (the run stops)
   */
  boolean awaitSlice(RunSession<?> session) {
    if (slices == null) {
      return true;
    }
    long nanos = slices.reservePermission();
    if (nanos <= 0) {
      return true;
    }
    long due = time.nanoTime() + nanos;
    return session.awaitUnlessStopping(until(due));
  }

  /**
   * Waits until {@code n} more records may be read; inside a running slice, so only an IMMEDIATE
   * cancel cuts the wait short.
   *
   * @return false when the wait was cut short
   */
  boolean awaitRows(int n, RunSession<?> session) {
    if (rows == null) {
      return true;
    }
    for (int left = n; left > 0; left -= rowPermitsPerCall) {
      long nanos = rows.reservePermission(Math.min(left, rowPermitsPerCall));
      if (nanos > 0 && !session.awaitUnlessCancelledImmediately(until(time.nanoTime() + nanos))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The wait until a reserved permit's moment, measured when the wait starts: when other threads
   * moved a virtual clock since the reservation, the wait shrinks instead of overshooting the slot.
   */
  private Duration until(long dueNanos) {
    return Duration.ofNanos(Math.max(0, dueNanos - time.nanoTime()));
  }
}
