package dev.backfill.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.Backfill;
import dev.backfill.IncrementalSchedule;
import dev.backfill.InMemoryStateStore;
import dev.backfill.InvalidConfigurationException;
import dev.backfill.Partitioning;
import dev.backfill.Row;
import dev.backfill.RunStatus;
import dev.backfill.TickReport;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.SliceAttempt;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * An incremental schedule under a virtual clock that starts at 2024-06-01T00:00Z: catch-up after
 * downtime, lookback re-runs, late rows, no overlap, and the built-in ticking on the virtual clock.
 */
class IncrementalScheduleTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2024-06-01T00:00:00Z"));
  private final VirtualSleeper time = new VirtualSleeper(clock);
  private final InMemoryStateStore store = new InMemoryStateStore(clock);
  private final InMemorySource<Row> events = InMemorySource.rows();
  private final InMemoryDestination mart = InMemoryDestination.create();

  IncrementalScheduleTest() {
    for (int d = 1; d <= 30; d++) {
      LocalDate day = LocalDate.of(2024, 6, d);
      events.add(day.toString(), Row.of("day", day, "id", d * 10L, "note", "on time"));
    }
  }

  private Backfill<Row> backfill() {
    return Backfill.builder("mart.daily").timeSource(time).stateStore(store).partitioning(Partitioning.daily(ZoneOffset.UTC))
        .source(events).destination(mart).strategy(WriteStrategy.overwritePartition("day")).build();
  }

  private void nextDay() {
    clock.advance(Duration.ofDays(1));
  }

  @Test
  void afterThreeMissedDaysOneTickRunsEachOnceInOrderAndTheNextRunsNothing() {
    IncrementalSchedule schedule = IncrementalSchedule.builder(backfill()).from("2024-06-01").build();
    clock.set(Instant.parse("2024-06-04T09:00:00Z"));   // down since the 1st: the 1st, 2nd and 3rd have closed

    TickReport catchUp = schedule.tick();

    assertThat(catchUp.partitions()).containsExactly("2024-06-01", "2024-06-02", "2024-06-03");
    assertThat(catchUp.run().status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(store.attempts(catchUp.run().runId())).extracting(SliceAttempt::key)
        .containsExactly("2024-06-01", "2024-06-02", "2024-06-03");
    TickReport again = schedule.tick();
    assertThat(again.run()).isNull();
    assertThat(again.message()).contains("the target is current");

    nextDay();
    assertThat(schedule.tick().partitions()).containsExactly("2024-06-04");
    assertThat(events.reads("2024-06-01")).as("no duplicates: each day read once").isEqualTo(1);
    assertThat(mart.countBy("day")).containsOnlyKeys("2024-06-01", "2024-06-02", "2024-06-03", "2024-06-04");
  }

  @Test
  void aLookbackOfTwoReRunsTheTwoDaysBeforeTheNewOneOnEveryTick() {
    IncrementalSchedule schedule = IncrementalSchedule.builder(backfill()).from("2024-06-01").lookback(2).build();

    nextDay();
    assertThat(schedule.tick().partitions()).containsExactly("2024-06-01");
    nextDay();
    assertThat(schedule.tick().partitions()).containsExactly("2024-06-01", "2024-06-02");
    nextDay();
    assertThat(schedule.tick().partitions()).containsExactly("2024-06-01", "2024-06-02", "2024-06-03");
    nextDay();
    TickReport fourth = schedule.tick();
    assertThat(fourth.partitions()).containsExactly("2024-06-02", "2024-06-03", "2024-06-04");
    assertThat(fourth.run().slices()).extracting(s -> s.key() + " " + s.status())
        .containsExactly("2024-06-02 SUCCEEDED", "2024-06-03 SUCCEEDED", "2024-06-04 SUCCEEDED");
    assertThat(schedule.tick().run()).as("no new day, no lookback").isNull();
  }

  @Test
  void aLateRowInsideTheLookbackIsPickedUpAndOneOutsideItIsNot() {
    IncrementalSchedule schedule = IncrementalSchedule.builder(backfill()).from("2024-06-01").lookback(1).build();
    clock.set(Instant.parse("2024-06-03T00:00:00Z"));
    schedule.tick();                                                   // the 1st and 2nd
    events.add("2024-06-02", Row.of("day", LocalDate.of(2024, 6, 2), "id", 21L, "note", "late"));
    events.add("2024-06-01", Row.of("day", LocalDate.of(2024, 6, 1), "id", 11L, "note", "too late"));

    nextDay();
    TickReport report = schedule.tick();

    assertThat(report.partitions()).containsExactly("2024-06-02", "2024-06-03");
    assertThat(mart.rowsWhere("note", "late")).hasSize(1);
    assertThat(mart.rowsWhere("note", "too late")).as("outside the lookback").isEmpty();
  }

  @Test
  void aTickNeverOverlapsAnotherOfTheSameSchedule() {
    AtomicReference<IncrementalSchedule> self = new AtomicReference<>();
    AtomicReference<TickReport> inner = new AtomicReference<>();
    InMemoryDestination watching = InMemoryDestination.create();
    watching.onVisibleChange(rows -> {
      if (inner.get() == null) {
        inner.set(self.get().tick());                                  // a tick while the first one runs
      }
    });
    Backfill<Row> backfill = Backfill.builder("mart.daily").timeSource(time).stateStore(store)
        .partitioning(Partitioning.daily(ZoneOffset.UTC)).source(events).destination(watching)
        .strategy(WriteStrategy.overwritePartition("day")).build();
    self.set(IncrementalSchedule.builder(backfill).from("2024-06-01").build());
    nextDay();

    TickReport outer = self.get().tick();

    assertThat(outer.partitions()).containsExactly("2024-06-01");
    assertThat(inner.get().run()).isNull();
    assertThat(inner.get().message()).isEqualTo("a tick of mart.daily is still running; skipped");
    assertThat(store.runs("mart.daily")).hasSize(1);
  }

  @Test
  void theBuiltInTickingFollowsTheVirtualClock() throws Exception {
    BlockingQueue<TickReport> ticks = new LinkedBlockingQueue<>();
    try (IncrementalSchedule schedule = IncrementalSchedule.builder(backfill()).from("2024-06-01").onTick(ticks::add)
        .build().start(Duration.ofDays(1))) {
      for (String day : List.of("2024-06-01", "2024-06-02", "2024-06-03")) {
        nextDay();
        TickReport tick = ticks.poll(30, TimeUnit.SECONDS);
        assertThat(tick).as("a tick after a virtual day").isNotNull();
        assertThat(tick.partitions()).containsExactly(day);
      }
    }
    assertThat(mart.countBy("day")).hasSize(3);
  }

  @Test
  void aScheduleWithoutAFirstPartitionOrOfStaticKeysIsRefused() {
    IncrementalSchedule schedule = IncrementalSchedule.builder(backfill()).build();
    nextDay();
    assertThatThrownBy(schedule::tick).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("has no first partition").hasMessageContaining(".from(");
    assertThatThrownBy(() -> IncrementalSchedule.builder(Backfill.builder("regions").partitioning(Partitioning.keys("eu"))
        .source(events).destination(mart).build())).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("needs an hourly, daily, weekly, monthly, yearly or cron partitioning");
  }
}
