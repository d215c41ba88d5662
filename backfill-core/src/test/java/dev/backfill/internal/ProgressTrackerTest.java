package dev.backfill.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Progress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The skew outliers that progress events, the CLI and the run page show. */
class ProgressTrackerTest {

  @Test
  void slicesOverThreeTimesTheMedianAreOutliersSlowestFirstRunningOnesIncluded() {
    Instant now = Instant.parse("2024-06-01T00:01:00Z");
    DurationSample done = new DurationSample();
    done.add("a", 1_000_000_000L);
    done.add("b", 1_000_000_000L);
    done.add("c", 1_000_000_000L);
    done.add("d", 4_000_000_000L);

    ProgressTracker.Timing t = ProgressTracker.timing(done,
        List.of(new ProgressTracker.Running("e", now.minusSeconds(10))), now);

    assertThat(t.p50()).contains(Duration.ofSeconds(1));
    assertThat(t.outliers()).extracting(Progress.Outlier::sliceKey, Progress.Outlier::running)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("e", true), org.assertj.core.groups.Tuple.tuple("d", false));
  }

  @Test
  void aMillionFinishedSlicesKeepAnExactMeanNearPercentilesAndTheSlowestAsOutliers() {
    DurationSample done = new DurationSample();
    // 1,000,000 slices of 1..1000 ms, evenly spread, and three slow ones of 10 s, 11 s and 12 s.
    for (int i = 0; i < 1_000_000; i++) {
      done.add("s" + i, (i % 1000 + 1) * 1_000_000L);
    }
    done.add("slow-a", 10_000_000_000L);
    done.add("slow-b", 12_000_000_000L);
    done.add("slow-c", 11_000_000_000L);

    assertThat(done.count()).isEqualTo(1_000_003);
    double exactMean = (500.5e6 * 1_000_000 + 33e9) / 1_000_003;
    assertThat(done.meanNanos()).isCloseTo(exactMean, org.assertj.core.data.Offset.offset(1.0));
    // The percentiles come from a uniform sample of 8,192 durations: within a few percent of exact.
    assertThat(done.percentile(50).orElseThrow().toMillis()).isBetween(470L, 530L);
    assertThat(done.percentile(95).orElseThrow().toMillis()).isBetween(920L, 980L);
    ProgressTracker.Timing t = ProgressTracker.timing(done, List.of(), Instant.EPOCH);
    assertThat(t.outliers()).extracting(Progress.Outlier::sliceKey).containsExactly("slow-b", "slow-c", "slow-a");
    assertThat(done.slowest()).hasSize(DurationSample.SLOWEST);
  }
}
