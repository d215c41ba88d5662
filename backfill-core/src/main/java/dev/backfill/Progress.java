package dev.backfill;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A snapshot of a run's progress, from its {@link BackfillRun#progress()}. Durations and throughput
 * are measured with the backfill's {@link java.time.Clock}, so the test kit can drive them with a
 * virtual clock.
 *
 * @param total slices in the run
 * @param succeeded committed slices
 * @param failed slices that ended FAILED or FAILED_CHECK
 * @param running slices with an attempt in progress
 * @param remaining slices not started yet
 * @param cancelled slices rolled back by a cancel
 * @param skipped slices not started because the run stopped
 * @param rows rows committed in this session
 * @param elapsed time since the run (or resume) started
 * @param slicesPerSecond completed slices per second in this session
 * @param rowsPerSecond committed rows per second in this session
 * @param eta expected time to finish the remaining and running slices, from observed slice
 *     durations and the concurrency; empty until a slice finished
 * @param p50 median duration of finished slices
 * @param p95 95th percentile duration of finished slices
 * @param outliers slices (finished or running) slower than 3 × the median
 * @param retries attempts that failed transiently and were retried, in this session
 */
public record Progress(
    int total, int succeeded, int failed, int running, int remaining, int cancelled, int skipped,
    long rows, Duration elapsed, double slicesPerSecond, double rowsPerSecond,
    Optional<Duration> eta, Optional<Duration> p50, Optional<Duration> p95, List<Outlier> outliers, int retries) {

  /**
   * A snapshot without a retry count.
   *
   * @param total slices
   * @param succeeded committed
   * @param failed failed
   * @param running running
   * @param remaining not started
   * @param cancelled cancelled
   * @param skipped skipped
   * @param rows rows
   * @param elapsed elapsed
   * @param slicesPerSecond slice throughput
   * @param rowsPerSecond row throughput
   * @param eta expected time left
   * @param p50 median duration
   * @param p95 95th percentile duration
   * @param outliers slow slices
   */
  public Progress(int total, int succeeded, int failed, int running, int remaining, int cancelled, int skipped,
      long rows, Duration elapsed, double slicesPerSecond, double rowsPerSecond,
      Optional<Duration> eta, Optional<Duration> p50, Optional<Duration> p95, List<Outlier> outliers) {
    this(total, succeeded, failed, running, remaining, cancelled, skipped, rows, elapsed, slicesPerSecond,
        rowsPerSecond, eta, p50, p95, outliers, 0);
  }

  /**
   * A slice far slower than the median.
   *
   * @param sliceKey slice key
   * @param duration its duration (so far, when running)
   * @param timesMedian duration divided by the median
   * @param running true when still running
   */
  public record Outlier(String sliceKey, Duration duration, double timesMedian, boolean running) {}

  /**
   * Returns the share of slices that are done (succeeded, failed, cancelled or skipped).
   *
   * @return fraction in [0, 1]
   */
  public double fractionDone() {
    return total == 0 ? 1.0 : (double) (succeeded + failed + cancelled + skipped) / total;
  }

  /**
   * Returns the slices that are done (succeeded, failed, cancelled or skipped).
   *
   * @return done slices
   */
  public int done() {
    return succeeded + failed + cancelled + skipped;
  }

  /**
   * Returns a one-line summary for logs and consoles.
   *
   * @return e.g. {@code 12/31 slices (39%), 2 running, 1 failed, 40,000 rows, ETA ~2m10s, p50 1.2s, p95 3.4s}
   */
  public String describe() {
    StringBuilder s = new StringBuilder();
    s.append(succeeded + failed + cancelled + skipped).append('/').append(total).append(" slices (")
        .append(Math.round(fractionDone() * 100)).append("%), ").append(running).append(" running, ")
        .append(failed).append(" failed, ").append(retries > 0 ? retries + " retried, " : "")
        .append(String.format(Locale.ROOT, "%,d", rows)).append(" rows, ")
        .append(String.format(Locale.ROOT, "%.1f slices/s", slicesPerSecond));
    eta.ifPresent(d -> s.append(", ETA ").append(CostEstimate.human(d)));
    p50.ifPresent(d -> s.append(", p50 ").append(millis(d)));
    p95.ifPresent(d -> s.append(", p95 ").append(millis(d)));
    if (!outliers.isEmpty()) {
      s.append(", slow:");
      outliers.stream().limit(5).forEach(o -> s.append(' ').append(o.sliceKey())
          .append(String.format(Locale.ROOT, " (%.1f× median%s)", o.timesMedian(), o.running() ? ", running" : "")));
    }
    return s.toString();
  }

  private static String millis(Duration d) {
    return d.toMillis() < 10_000 ? d.toMillis() + "ms" : CostEstimate.human(d);
  }
}
