package dev.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * Yearly partitions, a configured first partition, end offsets of "as of" listings and cron
 * partitions, each against a fixed list of keys written out by hand, daylight saving changes included.
 */
class TimePartitionsTest {
  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  static List<String> keys(PartitionSequence seq) {
    return StreamSupport.stream(seq.spliterator(), false).map(p -> p.key().value()).toList();
  }

  static List<Number> hours(PartitionSequence seq) {
    return StreamSupport.stream(seq.spliterator(), false).map(p -> p.window().orElseThrow().hours()).toList();
  }

  @Test
  void yearlyPartitionsAreCalendarYearsOfTheZone() {
    Partitioning years = Partitioning.yearly(BERLIN);
    PartitionSequence seq = years.enumerate(PartitionRange.of("2022", "2024"));

    assertThat(keys(seq)).containsExactly("2022", "2023", "2024");
    assertThat(hours(seq)).containsExactly(8760L, 8760L, 8784L);
    assertThat(seq.get(0).window().orElseThrow().startOffsetDateTime()).hasToString("2022-01-01T00:00+01:00");
    assertThat(years.partitionAt(Instant.parse("2023-12-31T23:30:00Z")).key().value()).isEqualTo("2024");
    assertThat(years.dimensions()).containsExactly("year");
    assertThatThrownBy(() -> years.enumerate(PartitionRange.of("2024-01", "2024-12")))
        .isInstanceOf(InvalidRangeException.class)
        .hasMessage("start '2024-01' is a monthly key but the target is partitioned yearly; expected YYYY (e.g. 2024)");
  }

  @Test
  void rangesAndKeysBeforeTheFirstPartitionAreRefused() {
    Partitioning days = Partitioning.daily(ZoneOffset.UTC).startingAt("2024-01-01");

    assertThat(keys(days.enumerate(PartitionRange.of("2024-01-01", "2024-01-02")))).containsExactly("2024-01-01", "2024-01-02");
    assertThatThrownBy(() -> days.enumerate(PartitionRange.of("2023-12-31", "2024-01-02")))
        .isInstanceOf(InvalidRangeException.class)
        .hasMessage("start '2023-12-31' is before the first partition 2024-01-01 of daily(Z) from 2024-01-01;"
            + " expected a start on or after 2024-01-01");
    assertThatThrownBy(() -> days.parse("2023-12-31")).isInstanceOf(InvalidPartitionKeyException.class)
        .hasMessageContaining("'2023-12-31' is before the first partition 2024-01-01");
    assertThat(days.firstPartition()).contains(PartitionKey.of("2024-01-01"));
    assertThat(days.named("sales_day").firstPartition()).contains(PartitionKey.of("2024-01-01"));
    assertThatThrownBy(() -> Partitioning.keys("eu", "us").startingAt("eu"))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("has no time dimension");
  }

  @Test
  void asOfAnInstantListsTheCompletePartitionsMovedByTheEndOffset() {
    Partitioning days = Partitioning.daily(ZoneOffset.UTC).startingAt("2024-03-01");
    Instant midMorning = Instant.parse("2024-03-04T10:00:00Z");

    assertThat(keys(days.completeAsOf(midMorning))).containsExactly("2024-03-01", "2024-03-02", "2024-03-03");
    assertThat(keys(days.completeAsOf(Instant.parse("2024-03-04T00:00:00Z"))))
        .containsExactly("2024-03-01", "2024-03-02", "2024-03-03");
    assertThat(keys(days.withEndOffset(1).completeAsOf(midMorning)))
        .containsExactly("2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04");
    assertThat(keys(days.withEndOffset(-1).completeAsOf(midMorning))).containsExactly("2024-03-01", "2024-03-02");
    assertThat(keys(days.completeAsOf(Instant.parse("2024-03-01T23:00:00Z")))).isEmpty();
    assertThatThrownBy(() -> Partitioning.daily(ZoneOffset.UTC).completeAsOf(midMorning))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("configure one with startingAt");
  }

  @Test
  void asOfListingOfHoursAcrossTheAutumnChangeHoldsBothRepeatedHours() {
    Partitioning hours = Partitioning.hourly(NEW_YORK).startingAt("2024-11-03T00");

    assertThat(keys(hours.completeAsOf(Instant.parse("2024-11-03T08:00:00Z"))))   // 03:00 EST
        .containsExactly("2024-11-03T00", "2024-11-03T01-04:00", "2024-11-03T01-05:00", "2024-11-03T02");
  }

  @Test
  void anHourlyCronAcrossSpringForwardHasNoSkippedHour() {
    Partitioning cron = Partitioning.cron("30 * * * *", NEW_YORK);
    PartitionSequence seq = cron.enumerate(PartitionRange.of("2024-03-10T00:30", "2024-03-10T04:30"));

    assertThat(keys(seq)).containsExactly("2024-03-10T00:30", "2024-03-10T01:30", "2024-03-10T03:30",
        "2024-03-10T04:30");
    assertThat(hours(seq)).containsExactly(1L, 1L, 1L, 1L);
    assertThatThrownBy(() -> cron.parse("2024-03-10T02:30")).isInstanceOf(InvalidPartitionKeyException.class)
        .hasMessageContaining("does not exist in America/New_York (the clocks skip it)");
  }

  @Test
  void anHourlyCronAcrossFallBackFiresTwiceInTheRepeatedHour() {
    Partitioning cron = Partitioning.cron("30 * * * *", NEW_YORK);
    PartitionSequence seq = cron.enumerate(PartitionRange.of("2024-11-03T00:30", "2024-11-03T02:30"));

    assertThat(keys(seq)).containsExactly("2024-11-03T00:30", "2024-11-03T01:30-04:00", "2024-11-03T01:30-05:00",
        "2024-11-03T02:30");
    assertThat(seq.get(2).window().orElseThrow().start()).isEqualTo(Instant.parse("2024-11-03T06:30:00Z"));
    assertThat(cron.parse("2024-11-03T01:30-05:00").value()).isEqualTo("2024-11-03T01:30-05:00");
    assertThatThrownBy(() -> cron.parse("2024-11-03T01:30")).isInstanceOf(InvalidPartitionKeyException.class)
        .hasMessageContaining("occurs twice").hasMessageContaining("2024-11-03T01:30-04:00 or 2024-11-03T01:30-05:00");
  }

  @Test
  void aDailyCronOverTheSpringChangeHasAShortDayAndSkipsATimeThatDoesNotExist() {
    PartitionSequence berlin = Partitioning.cron("0 6 * * *", BERLIN)
        .enumerate(PartitionRange.of("2024-03-30T06:00", "2024-04-01T06:00"));
    assertThat(keys(berlin)).containsExactly("2024-03-30T06:00", "2024-03-31T06:00", "2024-04-01T06:00");
    assertThat(hours(berlin)).containsExactly(23L, 24L, 24L);

    // 02:30 does not exist in New York on 2024-03-10: the partition of the 9th lasts until the 11th.
    PartitionSequence newYork = Partitioning.cron("30 2 * * *", NEW_YORK)
        .enumerate(PartitionRange.of("2024-03-09T02:30", "2024-03-12T02:30"));
    assertThat(keys(newYork)).containsExactly("2024-03-09T02:30", "2024-03-11T02:30", "2024-03-12T02:30");
    assertThat(hours(newYork)).containsExactly(47L, 24L, 24L);
  }

  @Test
  void cronKeysThatAreNoFireTimesAndBadExpressionsAreRefusedNamingThem() {
    Partitioning shifts = Partitioning.cron("0 6,14,22 * * *", ZoneOffset.UTC);

    assertThatThrownBy(() -> shifts.parse("2024-03-01T07:00")).isInstanceOf(InvalidPartitionKeyException.class)
        .hasMessage("partition key '2024-03-01T07:00' is not a fire time of cron(0 6,14,22 * * *, Z); expected a fire"
            + " time such as 2024-03-01T06:00 or 2024-03-01T14:00");
    assertThatThrownBy(() -> shifts.parse("2024-03-01")).isInstanceOf(InvalidPartitionKeyException.class)
        .hasMessageContaining("expected YYYY-MM-DDTHH:MM");
    assertThatThrownBy(() -> Partitioning.cron("61 * * * *", ZoneOffset.UTC))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("cron expression '61 * * * *' does not parse");
    assertThatThrownBy(() -> Partitioning.multi(shifts, Partitioning.keys("eu")))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("cannot combine the cron partitioning");
  }

  @Test
  void cronPartitionsListAsOfAnInstantAndStepByTheirSchedule() {
    Partitioning shifts = Partitioning.cron("0 6,14,22 * * *", ZoneOffset.UTC).startingAt("2024-03-01T06:00");
    Instant at = Instant.parse("2024-03-02T07:00:00Z");

    assertThat(keys(shifts.completeAsOf(at))).containsExactly("2024-03-01T06:00", "2024-03-01T14:00", "2024-03-01T22:00");
    assertThat(keys(shifts.withEndOffset(1).completeAsOf(at))).endsWith("2024-03-02T06:00");
    assertThat(shifts.partitionAt(Instant.parse("2024-03-01T13:59:59Z")).key().value()).isEqualTo("2024-03-01T06:00");
    assertThat(shifts.partitionAt(Instant.parse("2024-03-01T14:00:00Z")).key().value()).isEqualTo("2024-03-01T14:00");
    assertThatThrownBy(() -> shifts.enumerate(PartitionRange.of("2024-02-29T22:00", "2024-03-01T06:00")))
        .isInstanceOf(InvalidRangeException.class).hasMessageContaining("before the first partition 2024-03-01T06:00");
  }

  @Test
  void planningFollowsTheEndOffsetAndPlansKeepEverythingThroughJson() {
    ManualTestClock clock = new ManualTestClock(Instant.parse("2024-06-03T10:00:00Z"));
    PartitionRange june = PartitionRange.of("2024-06-01", "2024-06-03");
    Backfill<Row> open = Fixtures.daily(new TestSource(1), new TestDestination())
        .partitioning(Partitioning.daily(ZoneOffset.UTC).named("day").startingAt("2024-05-01").withEndOffset(1))
        .stateStore(new InMemoryStateStore(clock)).clock(clock).build();
    BackfillPlan withOpenDay = open.plan(june);
    assertThat(withOpenDay.slices()).extracting(PlannedSlice::key).containsExactly("2024-06-01", "2024-06-02", "2024-06-03");
    assertThat(BackfillPlan.fromJson(withOpenDay.toJson())).isEqualTo(withOpenDay);
    assertThat(withOpenDay.describe()).contains("daily(Z) from 2024-05-01 end offset +1");

    Backfill<Row> behind = Fixtures.daily(new TestSource(1), new TestDestination())
        .partitioning(Partitioning.daily(ZoneOffset.UTC).withEndOffset(-1))
        .stateStore(new InMemoryStateStore(clock)).clock(clock).build();
    BackfillPlan oneBehind = behind.plan(june);
    assertThat(oneBehind.slices()).extracting(PlannedSlice::key).containsExactly("2024-06-01");
    assertThat(oneBehind.incomplete().first()).isEqualTo("2024-06-02");
    assertThat(oneBehind.incomplete().completeAt()).isEqualTo(Instant.parse("2024-06-04T00:00:00Z"));

    Backfill<Row> byCron = Fixtures.daily(new TestSource(1), new TestDestination())
        .partitioning(Partitioning.cron("0 6 * * *", BERLIN).named("day"))
        .stateStore(new InMemoryStateStore(clock)).clock(clock).build();
    BackfillPlan cronPlan = byCron.plan(PartitionRange.of("2024-05-30T06:00", "2024-06-02T06:00"),
        PlanOptions.defaults().lateness(Duration.ofHours(7)));   // the 2nd ends 04:00Z, complete 11:00Z
    assertThat(cronPlan.slices()).extracting(PlannedSlice::key)
        .containsExactly("2024-05-30T06:00", "2024-05-31T06:00", "2024-06-01T06:00");
    assertThat(BackfillPlan.fromJson(cronPlan.toJson())).isEqualTo(cronPlan);

    Backfill<Row> byYear = Fixtures.daily(new TestSource(1), new TestDestination())
        .partitioning(Partitioning.yearly(ZoneOffset.UTC).named("day").startingAt("2020"))
        .stateStore(new InMemoryStateStore(clock)).clock(clock).build();
    BackfillPlan years = byYear.plan(PartitionRange.of("2021", "2024"));
    assertThat(years.slices()).extracting(PlannedSlice::key).containsExactly("2021", "2022", "2023");
    assertThat(BackfillPlan.fromJson(years.toJson())).isEqualTo(years);
  }

  @Test
  void mappingsBetweenTimePartitionsFollowTheWindowsAcrossClockChanges() {
    Partitioning hours = Partitioning.hourly(BERLIN);
    Partitioning days = Partitioning.daily(BERLIN);
    PartitionSequence none = days.enumerate(PartitionRange.single("2024-03-31"));

    List<PartitionKey> shortDay = PartitionMapping.rollUp().upstreamOf(days.partition("2024-03-31"), hours, none);
    assertThat(shortDay).hasSize(23).startsWith(PartitionKey.of("2024-03-31T00"), PartitionKey.of("2024-03-31T01"),
        PartitionKey.of("2024-03-31T03")).endsWith(PartitionKey.of("2024-03-31T23"));
    assertThat(PartitionMapping.rollUp().upstreamOf(Partitioning.monthly(BERLIN).partition("2024-02"), days, none))
        .hasSize(29).startsWith(PartitionKey.of("2024-02-01")).endsWith(PartitionKey.of("2024-02-29"));
    assertThat(PartitionMapping.offset(-1).upstreamOf(days.partition("2024-03-01"), days, none))
        .containsExactly(PartitionKey.of("2024-02-29"));
    assertThat(PartitionMapping.window(-2, 0).upstreamOf(days.partition("2024-03-01"), days, none))
        .containsExactly(PartitionKey.of("2024-02-28"), PartitionKey.of("2024-02-29"), PartitionKey.of("2024-03-01"));
    assertThatThrownBy(() -> PartitionMapping.rollUp().upstreamOf(days.partition("2024-03-01"), Partitioning.keys("eu"), none))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("needs time partitionings on both sides");
  }
}
