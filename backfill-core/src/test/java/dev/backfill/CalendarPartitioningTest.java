package dev.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Calendar partitions on the days where calendars are awkward: DST, leap days, month and year ends. */
class CalendarPartitioningTest {
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  static List<String> keys(Partitioning p, String start, String end) {
    return p.enumerate(PartitionRange.of(start, end)).stream().map(part -> part.key().value()).toList();
  }

  static TimeWindow window(Partitioning p, String key) {
    return p.partition(key).window().orElseThrow();
  }

  @Test
  void berlinDaysOfClockChangesHave23And25Hours() {
    Partitioning daily = Partitioning.daily(BERLIN);

    Partition spring = daily.partition("2024-03-31");
    assertThat(spring.window().orElseThrow().duration()).isEqualTo(Duration.ofHours(23));
    assertThat(spring.tokens().get("hours")).isEqualTo(23L);
    assertThat(spring.tokens().get("start_ts")).isEqualTo(OffsetDateTime.parse("2024-03-31T00:00+01:00"));
    assertThat(spring.tokens().get("end_ts")).isEqualTo(OffsetDateTime.parse("2024-04-01T00:00+02:00"));

    Partition autumn = daily.partition("2024-10-27");
    assertThat(autumn.tokens().get("hours")).isEqualTo(25L);
    assertThat(autumn.tokens().get("start_ts")).isEqualTo(OffsetDateTime.parse("2024-10-27T00:00+02:00"));
    assertThat(autumn.tokens().get("end_ts")).isEqualTo(OffsetDateTime.parse("2024-10-28T00:00+01:00"));

    assertThat(daily.partition("2024-03-30").tokens().get("hours")).isEqualTo(24L);
    assertThat(daily.enumerate(PartitionRange.of("2024-03-30", "2024-04-01")).stream()
        .map(p -> p.tokens().get("hours")).toList()).containsExactly(24L, 23L, 24L);
  }

  @Test
  void berlinHourlySkipsTheMissingHourOfSpringAndRejectsIt() {
    Partitioning hourly = Partitioning.hourly(BERLIN);
    assertThat(keys(hourly, "2024-03-31T00", "2024-03-31T04"))
        .containsExactly("2024-03-31T00", "2024-03-31T01", "2024-03-31T03", "2024-03-31T04");
    // 01:00 CET to 03:00 CEST is one elapsed hour.
    assertThat(window(hourly, "2024-03-31T01").end()).isEqualTo(window(hourly, "2024-03-31T03").start());
    assertThat(window(hourly, "2024-03-31T03").start()).isEqualTo(Instant.parse("2024-03-31T01:00:00Z"));

    assertThatThrownBy(() -> hourly.parse("2024-03-31T02"))
        .isInstanceOf(InvalidPartitionKeyException.class)
        .hasMessageContainingAll("'2024-03-31T02'", "does not exist in Europe/Berlin", "2024-03-31T01");
    assertThatThrownBy(() -> hourly.enumerate(PartitionRange.of("2024-03-31T02", "2024-03-31T05")))
        .isInstanceOf(InvalidRangeException.class)
        .hasMessageContainingAll("start '2024-03-31T02'", "does not exist");
  }

  @Test
  void berlinHourlyKeysTheRepeatedHourOfAutumnWithOffsets() {
    Partitioning hourly = Partitioning.hourly(BERLIN);
    assertThat(keys(hourly, "2024-10-27T01", "2024-10-27T03"))
        .containsExactly("2024-10-27T01", "2024-10-27T02+02:00", "2024-10-27T02+01:00", "2024-10-27T03");
    assertThat(window(hourly, "2024-10-27T02+02:00").start()).isEqualTo(Instant.parse("2024-10-27T00:00:00Z"));
    assertThat(window(hourly, "2024-10-27T02+01:00").start()).isEqualTo(Instant.parse("2024-10-27T01:00:00Z"));
    assertThat(hourly.partition("2024-10-27T02+01:00").dimensions().get("hour"))
        .isEqualTo(LocalDateTime.parse("2024-10-27T02:00"));

    assertThatThrownBy(() -> hourly.parse("2024-10-27T02"))
        .isInstanceOf(InvalidPartitionKeyException.class)
        .hasMessageContainingAll("'2024-10-27T02'", "occurs twice", "2024-10-27T02+02:00", "2024-10-27T02+01:00");
    assertThatThrownBy(() -> hourly.parse("2024-10-27T02+03:00"))
        .isInstanceOf(InvalidPartitionKeyException.class)
        .hasMessageContaining("'2024-10-27T02+03:00' has offset +03:00");
  }

  @Test
  void newYorkRepeatsOneAmInNovember() {
    Partitioning hourly = Partitioning.hourly(NEW_YORK);
    assertThat(keys(hourly, "2024-11-03T00", "2024-11-03T02"))
        .containsExactly("2024-11-03T00", "2024-11-03T01-04:00", "2024-11-03T01-05:00", "2024-11-03T02");
    assertThat(Partitioning.daily(NEW_YORK).partition("2024-11-03").tokens().get("hours")).isEqualTo(25L);
    assertThat(Partitioning.daily(NEW_YORK).partition("2024-03-10").tokens().get("hours")).isEqualTo(23L);
  }

  @Test
  void leapDayExistsOnlyInLeapYears() {
    Partitioning daily = Partitioning.daily(ZoneOffset.UTC);
    assertThat(keys(daily, "2024-02-28", "2024-03-01")).containsExactly("2024-02-28", "2024-02-29", "2024-03-01");
    assertThat(keys(daily, "2023-02-28", "2023-03-01")).containsExactly("2023-02-28", "2023-03-01");
    assertThatThrownBy(() -> daily.parse("2023-02-29"))
        .isInstanceOf(InvalidPartitionKeyException.class)
        .hasMessageContainingAll("'2023-02-29'", "is not a date", "expected YYYY-MM-DD");
    assertThat(keys(daily, "2000-02-28", "2000-03-01")).hasSize(3);
    assertThat(keys(daily, "1900-02-28", "1900-03-01")).hasSize(2);
  }

  @Test
  void monthsEndOnTheirLastDay() {
    Partitioning monthly = Partitioning.monthly(BERLIN);
    assertThat(monthly.partition("2024-02").tokens().get("end_date")).isEqualTo(LocalDate.of(2024, 2, 29));
    assertThat(monthly.partition("2023-02").tokens().get("end_date")).isEqualTo(LocalDate.of(2023, 2, 28));
    assertThat(monthly.partition("2024-04").tokens().get("end_date")).isEqualTo(LocalDate.of(2024, 4, 30));
    assertThat(monthly.partition("2024-12").tokens().get("end_date")).isEqualTo(LocalDate.of(2024, 12, 31));
    assertThat(monthly.partition("2024-12").tokens().get("end_ts")).isEqualTo(OffsetDateTime.parse("2025-01-01T00:00+01:00"));
    // 31 days minus the spring hour, plus the autumn hour.
    assertThat(monthly.partition("2024-03").tokens().get("hours")).isEqualTo(743L);
    assertThat(monthly.partition("2024-10").tokens().get("hours")).isEqualTo(745L);
    assertThat(keys(monthly, "2024-11", "2025-02")).containsExactly("2024-11", "2024-12", "2025-01", "2025-02");
    long hours2024 = monthly.enumerate(PartitionRange.of("2024-01", "2024-12")).stream()
        .mapToLong(p -> (Long) p.tokens().get("hours")).sum();
    assertThat(hours2024).isEqualTo(366 * 24);
  }

  @Test
  void weeksCrossYearEnds() {
    Partitioning mondays = Partitioning.weekly(BERLIN, DayOfWeek.MONDAY);
    Partition week = mondays.partitionAt(Instant.parse("2025-01-01T12:00:00Z"));
    assertThat(week.key().value()).isEqualTo("2024-12-30");
    assertThat(week.tokens().get("start_date")).isEqualTo(LocalDate.of(2024, 12, 30));
    assertThat(week.tokens().get("end_date")).isEqualTo(LocalDate.of(2025, 1, 5));
    assertThat(week.tokens().get("hours")).isEqualTo(168L);
    assertThat(keys(mondays, "2024-12-23", "2025-01-06")).containsExactly("2024-12-23", "2024-12-30", "2025-01-06");

    Partitioning sundays = Partitioning.weekly(BERLIN, DayOfWeek.SUNDAY);
    assertThat(sundays.partitionAt(Instant.parse("2025-01-01T12:00:00Z")).key().value()).isEqualTo("2024-12-29");
    assertThat(keys(sundays, "2024-12-22", "2025-01-05")).containsExactly("2024-12-22", "2024-12-29", "2025-01-05");
    assertThat(sundays.partition("2024-12-29").tokens().get("end_date")).isEqualTo(LocalDate.of(2025, 1, 4));
    // The week holding the spring change is an hour short.
    assertThat(sundays.partition("2024-03-31").tokens().get("hours")).isEqualTo(167L);
    assertThatThrownBy(() -> sundays.parse("2024-12-30"))
        .isInstanceOf(InvalidPartitionKeyException.class)
        .hasMessageContainingAll("'2024-12-30' is a Monday", "start on Sunday", "e.g. 2024-12-29");
  }

  @Test
  void kolkataHoursStartAtHalfPastUtc() {
    Partitioning hourly = Partitioning.hourly(ZoneId.of("Asia/Kolkata"));
    assertThat(window(hourly, "2024-03-01T05").start()).isEqualTo(Instant.parse("2024-02-29T23:30:00Z"));
    assertThat(hourly.partitionAt(Instant.parse("2024-03-01T00:29:59Z")).key().value()).isEqualTo("2024-03-01T05");
    assertThat(hourly.partitionAt(Instant.parse("2024-03-01T00:30:00Z")).key().value()).isEqualTo("2024-03-01T06");
    assertThat(Partitioning.daily(ZoneId.of("Asia/Kolkata")).partition("2024-03-01").tokens().get("hours")).isEqualTo(24L);
  }

  @Test
  void lordHoweHalfHourShiftGivesHalfHourDaysAndRejectsHourlyRangesOverIt() {
    ZoneId lordHowe = ZoneId.of("Australia/Lord_Howe");
    assertThat(Partitioning.daily(lordHowe).partition("2024-10-06").tokens().get("hours")).isEqualTo(new BigDecimal("23.5"));
    assertThat(Partitioning.daily(lordHowe).partition("2025-04-06").tokens().get("hours")).isEqualTo(new BigDecimal("24.5"));

    Partitioning hourly = Partitioning.hourly(lordHowe);
    assertThatThrownBy(() -> hourly.enumerate(PartitionRange.of("2024-10-06T00", "2024-10-06T05")))
        .isInstanceOf(InvalidRangeException.class)
        .hasMessageContainingAll("2024-10-06T00..2024-10-06T05", "Australia/Lord_Howe", "+10:30", "+11:00",
            "not a whole number of hours", "hourly in UTC");
    // 02:30 to 03:00 local, right after the change, belongs to no whole local hour.
    assertThatThrownBy(() -> hourly.partitionAt(Instant.parse("2024-10-05T15:45:00Z")))
        .isInstanceOf(InvalidRangeException.class)
        .hasMessageContainingAll("2024-10-05T15:45:00Z", "+10:30 to +11:00", "not a whole number of hours");
    assertThatThrownBy(() -> hourly.partitionAt(Instant.parse("2025-04-05T15:10:00Z")))
        .isInstanceOf(InvalidRangeException.class)
        .hasMessageContaining("not a whole number of hours");
    // Away from the changes, hours work.
    assertThat(keys(hourly, "2024-07-01T00", "2024-07-01T02")).hasSize(3);
    assertThat(window(hourly, "2024-07-01T00").start()).isEqualTo(Instant.parse("2024-06-30T13:30:00Z"));
  }

  @Test
  void trollRepeatsTwoHoursInAutumn() {
    Partitioning hourly = Partitioning.hourly(ZoneId.of("Antarctica/Troll"));
    assertThat(keys(hourly, "2024-10-27T00", "2024-10-27T03")).containsExactly("2024-10-27T00",
        "2024-10-27T01+02:00", "2024-10-27T02+02:00", "2024-10-27T01Z", "2024-10-27T02Z", "2024-10-27T03");
    assertThat(hourly.parse("2024-10-27T01Z").value()).isEqualTo("2024-10-27T01Z");
    assertThat(keys(hourly, "2024-03-31T00", "2024-03-31T04")).containsExactly("2024-03-31T00", "2024-03-31T03", "2024-03-31T04");
  }

  @Test
  void anInstantBelongsToTheWindowThatHoldsItWhenLocalDatesRunBackwards() {
    // St. John's went back from 00:01 NDT to 23:01 NST on 1987-10-25: local dates read 24, 25, 24, 25.
    ZoneId stJohns = ZoneId.of("America/St_Johns");
    Partitioning daily = Partitioning.daily(stJohns);
    Instant backToThe24th = Instant.parse("1987-10-25T02:45:00Z");
    assertThat(backToThe24th.atZone(stJohns).toLocalDate()).isEqualTo(LocalDate.of(1987, 10, 24));
    Partition p = daily.partitionAt(backToThe24th);
    assertThat(p.key().value()).isEqualTo("1987-10-25");
    assertThat(p.window().orElseThrow().contains(backToThe24th)).isTrue();
    assertThat(window(daily, "1987-10-24").end()).isEqualTo(Instant.parse("1987-10-25T02:30:00Z"));
    assertThat(daily.partitionAt(Instant.parse("1987-10-25T02:29:59Z")).key().value()).isEqualTo("1987-10-24");
    assertThat(Partitioning.monthly(stJohns).partitionAt(backToThe24th).key().value()).isEqualTo("1987-10");
    assertThat(Partitioning.weekly(stJohns, DayOfWeek.SUNDAY).partitionAt(backToThe24th).key().value()).isEqualTo("1987-10-25");
  }

  @Test
  void apiaSkippedDayIsRejectedWithAWayAround() {
    Partitioning daily = Partitioning.daily(ZoneId.of("Pacific/Apia"));
    assertThatThrownBy(() -> daily.parse("2011-12-30"))
        .isInstanceOf(InvalidPartitionKeyException.class)
        .hasMessageContainingAll("'2011-12-30'", "does not exist in Pacific/Apia", "2011-12-29");
    assertThatThrownBy(() -> daily.enumerate(PartitionRange.of("2011-12-01", "2012-01-31")))
        .isInstanceOf(InvalidRangeException.class)
        .hasMessageContainingAll("2011-12-01..2012-01-31", "contains 2011-12-30", "does not exist in Pacific/Apia",
            "2011-12-01..2011-12-29", "2011-12-31..2012-01-31");
    assertThat(daily.partition("2011-12-29").tokens().get("hours")).isEqualTo(24L);
    assertThat(window(daily, "2011-12-29").end()).isEqualTo(window(daily, "2011-12-31").start());
    assertThat(keys(daily, "2011-12-31", "2012-01-02")).hasSize(3);
    // Weeks and months keep their windows: the week of 2011-12-26 is six days long.
    assertThat(Partitioning.weekly(ZoneId.of("Pacific/Apia"), DayOfWeek.MONDAY).partition("2011-12-26")
        .tokens().get("hours")).isEqualTo(144L);
    assertThat(Partitioning.monthly(ZoneId.of("Pacific/Apia")).partition("2011-12").tokens().get("hours"))
        .isEqualTo(30L * 24);
  }

  @Test
  void localMeanTimeGivesFractionalHoursAndSecondOffsets() {
    // Berlin moved from local mean time +00:53:28 to +01:00 on 1893-04-01: a day of 86008 s.
    assertThat(Partitioning.daily(BERLIN).partition("1893-04-01").tokens().get("hours")).isEqualTo(new BigDecimal("23.891111"));
    assertThatThrownBy(() -> Partitioning.hourly(BERLIN).enumerate(PartitionRange.of("1893-03-31T22", "1893-04-01T03")))
        .isInstanceOf(InvalidRangeException.class)
        .hasMessageContainingAll("+00:53:28", "+01:00", "not a whole number of hours");

    // Apia went back a whole day in 1892, so every hour of 1892-07-04 happened twice.
    Partitioning apia = Partitioning.hourly(ZoneId.of("Pacific/Apia"));
    Partition first = apia.partitionAt(Instant.parse("1892-07-03T16:00:00Z"));
    Partition second = apia.partitionAt(Instant.parse("1892-07-04T16:00:00Z"));
    assertThat(first.key().value()).isEqualTo("1892-07-04T04+12:33:04");
    assertThat(second.key().value()).isEqualTo("1892-07-04T04-11:26:56");
    assertThat(apia.partition(first.key().value())).isEqualTo(first);
    assertThat(apia.partition(second.key().value())).isEqualTo(second);
    assertThat(Partitioning.daily(ZoneId.of("Pacific/Apia")).partition("1892-07-04").tokens().get("hours")).isEqualTo(48L);
  }

  @Test
  void keysRunFromYearOneToYear9999AndNoFurther() {
    Partitioning daily = Partitioning.daily(BERLIN);
    assertThat(keys(daily, "0001-01-01", "0001-01-03")).containsExactly("0001-01-01", "0001-01-02", "0001-01-03");
    assertThat(keys(daily, "9999-12-30", "9999-12-31")).containsExactly("9999-12-30", "9999-12-31");
    assertThat(keys(Partitioning.monthly(ZoneOffset.UTC), "9999-11", "9999-12")).containsExactly("9999-11", "9999-12");
    assertThat(keys(Partitioning.hourly(ZoneOffset.UTC), "9999-12-31T22", "9999-12-31T23")).hasSize(2);
    assertThat(Partitioning.weekly(ZoneOffset.UTC, DayOfWeek.MONDAY).parse("0001-01-01").value()).isEqualTo("0001-01-01");

    assertThatThrownBy(() -> daily.partitionAt(Instant.parse("+10000-01-01T12:00:00Z")))
        .isInstanceOf(InvalidRangeException.class)
        .hasMessageContainingAll("+10000-01-01T12:00:00Z", "is outside", "0001-01-01 .. 9999-12-31");
    assertThatThrownBy(() -> Partitioning.weekly(ZoneOffset.UTC, DayOfWeek.SUNDAY).partitionAt(Instant.parse("0001-01-03T00:00:00Z")))
        .isInstanceOf(InvalidRangeException.class)
        .hasMessageContaining("0001-01-07 .. ");
    assertThatThrownBy(() -> daily.partitionAt(Instant.MAX)).isInstanceOf(InvalidRangeException.class);
    assertThatThrownBy(() -> daily.parse("10000-01-01")).isInstanceOf(InvalidPartitionKeyException.class);
    assertThatThrownBy(() -> daily.parse("0000-12-31")).isInstanceOf(InvalidPartitionKeyException.class)
        .hasMessageContaining("'0000-12-31' is not a date");
  }

  @Test
  void partitioningsDescribeThemselvesAndCompareByValue() {
    assertThat(Partitioning.daily(BERLIN).describe()).isEqualTo("daily(Europe/Berlin)");
    assertThat(Partitioning.weekly(BERLIN, DayOfWeek.SUNDAY).named("week_start").describe())
        .isEqualTo("weekly(Europe/Berlin, SUNDAY) as week_start");
    assertThat(Partitioning.daily(BERLIN)).isEqualTo(Partitioning.daily(ZoneId.of("Europe/Berlin")));
    assertThat(Partitioning.daily(BERLIN)).isNotEqualTo(Partitioning.daily(BERLIN).named("day_of"));
    assertThat(Partitioning.multi(Partitioning.daily(BERLIN), Partitioning.keys("eu", "us").named("region")).describe())
        .isEqualTo("multi(daily(Europe/Berlin), keys(eu, us) as region)");
  }
}
