package dev.backfill.internal;

import com.google.common.math.Quantiles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.time.Duration;

/**
 * Durations of finished slices in bounded memory, however many slices a run has: the exact count
 * and mean, a uniform sample of {@value #SAMPLE} durations for percentiles (exact while fewer have
 * finished), and the {@value #SLOWEST} slowest with their keys for outliers. Not thread-safe.
 */
final class DurationSample {
  static final int SAMPLE = 8_192;
  static final int SLOWEST = 32;

  /** A finished slice's key and duration. */
  record Finished(String key, long nanos) {}

  private final long[] sample = new long[SAMPLE];
  private final PriorityQueue<Finished> slowest = new PriorityQueue<>(Comparator.comparingLong(Finished::nanos));
  // Fixed seed: the same durations give the same percentiles, run after run.
  private final SplittableRandom random = new SplittableRandom(17);
  private long count;
  private double sum;

  /** Records one finished slice. */
  void add(String key, long nanos) {
    count++;
    sum += nanos;
    if (count <= SAMPLE) {
      sample[(int) (count - 1)] = nanos;
    } else {
      long slot = random.nextLong(count);   // reservoir sampling: every duration kept with equal chance
      if (slot < SAMPLE) {
        sample[(int) slot] = nanos;
      }
    }
    if (slowest.size() < SLOWEST) {
      slowest.add(new Finished(key, nanos));
    } else if (nanos > slowest.peek().nanos()) {
      slowest.poll();
      slowest.add(new Finished(key, nanos));
    }
  }

  long count() {
    return count;
  }

  double meanNanos() {
    return count == 0 ? 0 : sum / count;
  }

  /** The nearest-rank percentile of the sample: a duration some slice really took. */
  Optional<Duration> percentile(int p) {
    int n = (int) Math.min(count, SAMPLE);
    if (n <= 1) {
      return n == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(sample[0]));
    }
    long[] kept = Arrays.copyOf(sample, n);
    // Guava's quantiles interpolate between ranks; index scale n-1 with the nearest rank ceil(p/100*n)
    // lands on an element, which the interpolation then returns exactly.
    int rank = Math.max(1, (int) Math.ceil(p / 100.0 * n));
    double value = Quantiles.scale(n - 1).index(rank - 1).compute(kept);
    return Optional.of(Duration.ofNanos(Math.round(value)));
  }

  /** The slowest finished slices kept, slowest first. */
  List<Finished> slowest() {
    List<Finished> out = new ArrayList<>(slowest);
    out.sort(Comparator.comparingLong(Finished::nanos).reversed());
    return out;
  }
}
