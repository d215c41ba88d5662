package dev.backfill.internal;

import dev.backfill.Progress;
import dev.backfill.SliceStatus;
import dev.backfill.spi.SliceRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The progress of a run as the state store shows it to any process (the run page, the CLI), from its
 * slices' statuses and the timings of their last attempts; the same figures a running session's
 * {@link ProgressTracker} computes from its own events.
 */
public final class StoredProgress {
  private StoredProgress() {}

  /**
   * The progress of a run gathered one slice at a time, in memory bounded whatever the run's size
   * (durations are sampled, see {@code DurationSample}), for callers that walk a big run's slices
   * page by page and compute other figures in the same pass. Not thread-safe.
   */
  public static final class Tally {
    private final int[] counts = new int[SliceStatus.values().length];
    private final DurationSample done = new DurationSample();
    private final List<ProgressTracker.Running> running = new ArrayList<>();
    private int total;
    private long rows;

    /** Starts an empty tally. */
    public Tally() {}

    /**
     * Counts one slice.
     *
     * @param s the slice
     */
    public void add(SliceRecord s) {
      total++;
      counts[s.status().ordinal()]++;
      if (s.status() == SliceStatus.SUCCEEDED) {
        rows += s.rows();
      }
      boolean finished = s.status() == SliceStatus.SUCCEEDED || s.status() == SliceStatus.FAILED
          || s.status() == SliceStatus.FAILED_CHECK;
      if (finished && s.duration().isPresent()) {
        done.add(s.key(), s.duration().get().toNanos());
      } else if (s.status() == SliceStatus.RUNNING && s.startedAt() != null) {
        running.add(new ProgressTracker.Running(s.key(), s.startedAt()));
      }
    }

    /**
     * Computes the progress of the slices counted so far.
     *
     * @param retries failed attempts that were retried
     * @param since when the run was created
     * @param now the store's time
     * @param concurrency slices in flight at once, for the ETA
     * @param slicesPerSecond slice rate limit (0 for none), for the ETA
     * @return the snapshot
     */
    public Progress progress(int retries, Instant since, Instant now, int concurrency, double slicesPerSecond) {
      ProgressTracker.Timing t = ProgressTracker.timing(done, running, now);
      Duration elapsed = Duration.between(since, now).isNegative() ? Duration.ZERO : Duration.between(since, now);
      double seconds = Math.max(elapsed.toNanos() / 1e9, 1e-9);
      int pending = counts[SliceStatus.PENDING.ordinal()];
      int inFlight = counts[SliceStatus.RUNNING.ordinal()];
      Optional<Duration> eta = done.count() == 0 ? Optional.empty()
          : Optional.of(RateBounds.eta(t.meanNanos(), pending + inFlight, concurrency, slicesPerSecond));
      int failed = counts[SliceStatus.FAILED.ordinal()] + counts[SliceStatus.FAILED_CHECK.ordinal()];
      return new Progress(total, counts[SliceStatus.SUCCEEDED.ordinal()], failed, inFlight, pending,
          counts[SliceStatus.CANCELLED.ordinal()], counts[SliceStatus.SKIPPED.ordinal()], rows, elapsed,
          done.count() / seconds, rows / seconds, eta, t.p50(), t.p95(), t.outliers(), retries);
    }
  }
}
