package dev.backfill.testkit;

import static dev.backfill.testkit.BackfillAssertions.assertThatRun;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.InMemoryStateStore;
import dev.backfill.PartitionRange;
import dev.backfill.Row;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@BackfillTest(clock = "2024-03-01T00:00:00Z")
class BackfillExtensionTest {
  private static final List<BackfillTestDriver> SEEN = new ArrayList<>();
  private InMemoryDestination fromBeforeEach;

  @BeforeEach
  void remember(InMemoryDestination mart) {
    fromBeforeEach = mart;
  }

  @Test
  void injectsADriverWithItsClockStoreAndFreshFakes(BackfillTestDriver driver, ManualClock clock, Clock plainClock,
      VirtualSleeper sleeper, StateStore store, InMemoryStateStore inMemory, InMemoryDestination mart,
      InMemorySource<Row> orders) throws InterruptedException {
    assertThat(clock).isSameAs(driver.clock()).isSameAs(plainClock);
    assertThat(clock.instant()).isEqualTo(Instant.parse("2024-03-01T00:00:00Z"));
    assertThat(sleeper).isSameAs(driver.sleeper());
    assertThat(store).isSameAs(driver.stateStore()).isSameAs(inMemory);
    assertThat(mart).isSameAs(fromBeforeEach).extracting(InMemoryDestination::size).isEqualTo(0);
    synchronized (SEEN) {
      assertThat(SEEN).doesNotContain(driver);
      SEEN.add(driver);
    }

    orders.add("2024-02-01", Fixtures.row("2024-02-01", 1, "a"));
    Backfill<Row> backfill = Fixtures.daily(driver.backfill("orders"), orders, mart, WriteStrategy.overwritePartition("day"));
    assertThatRun(driver.run(backfill, backfill.plan(PartitionRange.of("2024-02-01", "2024-02-03")))).succeeded().hasRows(1);
    sleeper.sleep(Duration.ofMinutes(1));
    assertThat(clock.instant()).isEqualTo(Instant.parse("2024-03-01T00:01:00Z"));
  }

  @Test
  void givesEveryTestItsOwnDriver(BackfillTestDriver driver, InMemoryDestination mart) {
    synchronized (SEEN) {
      assertThat(SEEN).doesNotContain(driver);
      SEEN.add(driver);
    }
    assertThat(mart.size()).isZero();
    assertThat(driver.clock().instant()).isEqualTo(Instant.parse("2024-03-01T00:00:00Z"));
  }
}
