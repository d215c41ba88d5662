package dev.backfill.internal;

import dev.backfill.Progress;
import dev.backfill.SliceStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Counts and timings of a run session, measured on the backfill's clock. Thread-safe. */
final class ProgressTracker {
  private static final double OUTLIER_FACTOR = 3.0;

  private final Clock clock;
  private final int concurrency;
  private final double slicesPerSecond;
  private final Instant startedAt;
  private final int total;
  private int succeeded;
  private int failed;
  private int cancelled;
  private int skipped;
  private int pending;
  private long rows;
  private int retries;
  private final Map<Integer, Running> running = new HashMap<>();
  private final DurationSample durations = new DurationSample();
  private long rowsPerSecond;
  private double requestsPerSecond;
  private long requests;

  /** A slice in progress since an instant. */
  record Running(String key, Instant since) {}

  /** Percentiles, mean and outliers of slice durations. */
  record Timing(Optional<Duration> p50, Optional<Duration> p95, double meanNanos, List<Progress.Outlier> outliers) {}

  ProgressTracker(Clock clock, int concurrency, double slicesPerSecond, int total, Map<SliceStatus, Integer> initial) {
    this.clock = clock;
    this.concurrency = concurrency;
    this.slicesPerSecond = slicesPerSecond;
    this.startedAt = clock.instant();
    this.total = total;
    this.succeeded = initial.getOrDefault(SliceStatus.SUCCEEDED, 0);
    this.failed = initial.getOrDefault(SliceStatus.FAILED, 0) + initial.getOrDefault(SliceStatus.FAILED_CHECK, 0);
    this.cancelled = initial.getOrDefault(SliceStatus.CANCELLED, 0);
    this.skipped = initial.getOrDefault(SliceStatus.SKIPPED, 0);
    this.pending = total - succeeded - failed - cancelled - skipped;
  }

  Instant startedAt() {
    return startedAt;
  }

  synchronized void started(int index, String key) {
    if (running.put(index, new Running(key, clock.instant())) == null) {
      pending--;
    }
  }

  synchronized void ended(int index, SliceStatus status, long sliceRows) {
    Running r = running.remove(index);
    if (r == null) {
      return;
    }
    switch (status) {
      case SUCCEEDED -> {
        succeeded++;
        rows += sliceRows;
      }
      case FAILED, FAILED_CHECK -> failed++;
      case CANCELLED -> cancelled++;
      default -> pending++;
    }
    if (status == SliceStatus.SUCCEEDED || status == SliceStatus.FAILED || status == SliceStatus.FAILED_CHECK) {
      durations.add(r.key(), Duration.between(r.since(), clock.instant()).toNanos());
    }
  }

  /** Also bounds the ETA by the run's row and request rate limits (0 for none). */
  synchronized void limitedBy(long rowsLimit, double requestsLimit) {
    this.rowsPerSecond = rowsLimit;
    this.requestsPerSecond = requestsLimit;
  }

  /** A source sent one request through the run's request limiter. */
  synchronized void requested() {
    requests++;
  }

  synchronized void retried() {
    retries++;
  }

  synchronized void skippedPending(int count) {
    skipped += count;
    pending -= count;
  }

  synchronized Progress snapshot() {
    Instant now = clock.instant();
    Duration elapsed = Duration.between(startedAt, now);
    double seconds = Math.max(elapsed.toNanos() / 1e9, 1e-9);
    Timing t = timing(durations, running.values(), now);
    long finished = durations.count();
    int left = pending + running.size();
    Optional<Duration> eta = finished == 0 ? Optional.empty() : Optional.of(atLeastRateLimits(RateBounds.eta(t.meanNanos(), left,
        concurrency, slicesPerSecond), left));
    return new Progress(total, succeeded, failed, running.size(), pending, cancelled, skipped, rows, elapsed,
        finished / seconds, rows / seconds, eta, t.p50(), t.p95(), t.outliers(), retries);
  }

  /**
   * No less than the row and request limits allow for the slices left, at the rows and requests a
   * finished slice took so far: slices of a run that shares one limiter queue for it however many run
   * at once, which the first slices' durations do not show yet.
   */
  private Duration atLeastRateLimits(Duration eta, int left) {
    double nanos = eta.toNanos();
    long finished = durations.count();
    nanos = Math.max(nanos, RateBounds.atLimit((double) rows / finished * left, rowsPerSecond));
    nanos = Math.max(nanos, RateBounds.atLimit((double) requests / finished * left, requestsPerSecond));
    return Duration.ofNanos(Math.round(nanos));
  }

  /**
   * Percentiles and mean of finished durations, and the slices (the slowest finished ones, and any
   * running) slower than {@value #OUTLIER_FACTOR} × the median, slowest first.
   */
  static Timing timing(DurationSample done, Iterable<Running> inProgress, Instant now) {
    Optional<Duration> p50 = done.percentile(50);
    Optional<Duration> p95 = done.percentile(95);
    List<Progress.Outlier> outliers = new ArrayList<>();
    long median = p50.map(Duration::toNanos).orElse(0L);
    if (median > 0) {
      for (DurationSample.Finished f : done.slowest()) {
        if (f.nanos() > OUTLIER_FACTOR * median) {
          outliers.add(new Progress.Outlier(f.key(), Duration.ofNanos(f.nanos()), (double) f.nanos() / median, false));
        }
      }
      for (Running r : inProgress) {
        long d = Duration.between(r.since(), now).toNanos();
        if (d > OUTLIER_FACTOR * median) {
          outliers.add(new Progress.Outlier(r.key(), Duration.ofNanos(d), (double) d / median, true));
        }
      }
      outliers.sort((a, b) -> b.duration().compareTo(a.duration()));
    }
    return new Timing(p50, p95, done.meanNanos(), List.copyOf(outliers));
  }
}
