package dev.backfill.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ManualClockTest {
  @Test
  void movesOnlyWhenTold() {
    ManualClock clock = ManualClock.at("2024-03-01T00:00:00Z");

    assertThat(clock.instant()).isEqualTo(Instant.parse("2024-03-01T00:00:00Z"));
    assertThat(clock.advance(Duration.ofMinutes(90))).isEqualTo(Instant.parse("2024-03-01T01:30:00Z"));
    clock.set(Instant.parse("2023-01-01T00:00:00Z"));
    assertThat(clock.millis()).isEqualTo(Instant.parse("2023-01-01T00:00:00Z").toEpochMilli());
  }

  @Test
  void zoneViewsShareTheTime() {
    ManualClock utc = new ManualClock();
    ManualClock berlin = utc.withZone(ZoneId.of("Europe/Berlin"));

    utc.advance(Duration.ofHours(1));

    assertThat(berlin.instant()).isEqualTo(utc.instant());
    assertThat(berlin.getZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
  }

  @Test
  void refusesToAdvanceBackwards() {
    assertThatThrownBy(() -> new ManualClock().advance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use set(instant) to go back");
  }

  @Test
  void concurrentAdvancesAllCount() throws InterruptedException {
    ManualClock clock = new ManualClock();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 1000; i++) {
          clock.advance(Duration.ofMillis(1));
        }
      });
      thread.start();
      threads.add(thread);
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }

    assertThat(clock.instant()).isEqualTo(ManualClock.DEFAULT_START.plusSeconds(4));
  }

  @Test
  void virtualSleepsAdvanceTheClockAndAnInterruptEndsThem() {
    ManualClock clock = new ManualClock();
    VirtualSleeper sleeper = new VirtualSleeper(clock);

    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> sleeper.sleep(Duration.ofSeconds(5))).isInstanceOf(InterruptedException.class);
    assertThat(clock.instant()).isEqualTo(ManualClock.DEFAULT_START);
  }
}
