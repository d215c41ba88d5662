package dev.backfill.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The reasoning the live ETA and the plan's estimate share. */
class RateBoundsTest {

  @Test
  void theEtaSpreadsWhatIsLeftOverTheLanesButIsNeverShorterThanTheSliceRateLimitAllows() {
    double oneSecond = 1e9;

    assertThat(RateBounds.eta(oneSecond, 10, 4, 0)).isEqualTo(Duration.ofMillis(2_500));
    assertThat(RateBounds.eta(oneSecond, 10, 4, 0.5)).isEqualTo(Duration.ofSeconds(20));
    assertThat(RateBounds.eta(oneSecond, 2, 4, 0)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void anAmountAtALimitTakesAmountOverRateAndNothingWithoutALimit() {
    assertThat(RateBounds.atLimit(852, 100)).isEqualTo(8.52e9);
    assertThat(RateBounds.atLimit(852, 0)).isZero();
  }
}
