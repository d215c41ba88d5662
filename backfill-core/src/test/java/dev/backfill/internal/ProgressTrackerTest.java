package dev.backfill.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Progress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ETA and the skew outliers that progress events, the CLI and the run page show. */
class ProgressTrackerTest {

  @Test
  void theEtaSpreadsWhatIsLeftOverTheLanesButIsNeverShorterThanTheSliceRateLimitAllows() {
    double oneSecond = 1e9;

    assertThat(ProgressTracker.eta(oneSecond, 10, 4, 0)).isEqualTo(Duration.ofMillis(2_500));
    assertThat(ProgressTracker.eta(oneSecond, 10, 4, 0.5)).isEqualTo(Duration.ofSeconds(20));
    assertThat(ProgressTracker.eta(oneSecond, 2, 4, 0)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void slicesOverThreeTimesTheMedianAreOutliersSlowestFirstRunningOnesIncluded() {
    Instant now = Instant.parse("2024-06-01T00:01:00Z");
    long[] done = {1_000_000_000L, 1_000_000_000L, 1_000_000_000L, 4_000_000_000L};

    ProgressTracker.Timing t = ProgressTracker.timing(done, new String[] {"a", "b", "c", "d"},
        List.of(new ProgressTracker.Running("e", now.minusSeconds(10))), now);

    assertThat(t.p50()).contains(Duration.ofSeconds(1));
    assertThat(t.outliers()).extracting(Progress.Outlier::sliceKey, Progress.Outlier::running)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("e", true), org.assertj.core.groups.Tuple.tuple("d", false));
  }
}
