package dev.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Enumeration, key round trips and instant lookup of hourly, daily, weekly and monthly partitions,
 * for random ranges in zones with daylight saving time, half-hour offsets, a 30-minute DST shift
 * (Lord Howe), a two-hour shift (Troll), a skipped day (Apia) and local mean time before 1900.
 *
 * <p>Each partition is checked against the calendar itself (the earliest instant of its local
 * day/week/month, a whole local hour), not against the partitioning's own arithmetic.
 */
class CalendarEnumerationProperties {

  static final List<String> ZONES = List.of("Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC",
      "Australia/Lord_Howe", "Antarctica/Troll", "Pacific/Apia", "America/St_Johns", "Asia/Kathmandu",
      "Pacific/Chatham");

  enum Unit { HOURLY, DAILY, WEEKLY, MONTHLY }

  /** A calendar partitioning under test, described by plain values so failures print readably. */
  record Calendar(Unit unit, ZoneId zone, DayOfWeek firstDay) {
    Partitioning partitioning() {
      return switch (unit) {
        case HOURLY -> Partitioning.hourly(zone);
        case DAILY -> Partitioning.daily(zone);
        case WEEKLY -> Partitioning.weekly(zone, firstDay);
        case MONTHLY -> Partitioning.monthly(zone);
      };
    }

    /** Longest span between the two instants of a case: a few hundred partitions at most. */
    long maxSpanSeconds() {
      return switch (unit) {
        case HOURLY -> Duration.ofDays(12).toSeconds();
        case DAILY -> Duration.ofDays(400).toSeconds();
        case WEEKLY -> Duration.ofDays(5 * 366).toSeconds();
        case MONTHLY -> Duration.ofDays(20 * 366).toSeconds();
      };
    }
  }

  /** A range given by two instants; its bounds are the partitions containing them. */
  record Case(Calendar calendar, Instant from, Instant to) {}

  // Per zone; every caller asks for the same years.
  private static final Map<ZoneId, List<Instant>> TRANSITIONS = new ConcurrentHashMap<>();

  @Provide
  Arbitrary<Calendar> calendars() {
    return Combinators.combine(Arbitraries.of(Unit.class), Arbitraries.of(ZONES).map(ZoneId::of),
        Arbitraries.of(DayOfWeek.class)).as(Calendar::new);
  }

  @Provide
  Arbitrary<Case> ranges() {
    return calendars().flatMap(cal -> Combinators.combine(instantsAround(cal.zone(), 1850, 2100),
        Arbitraries.longs().between(0, cal.maxSpanSeconds())).as((from, span) -> new Case(cal, from, from.plusSeconds(span))));
  }

  @Provide
  Arbitrary<Instant> anyInstants() {
    return Arbitraries.longs()
        .between(LocalDate.of(0, 12, 25).toEpochDay() * 86_400, LocalDate.of(10000, 1, 8).toEpochDay() * 86_400)
        .map(Instant::ofEpochSecond);
  }

  /** Instants spread over the years, half of them within days of one of the zone's offset changes. */
  static Arbitrary<Instant> instantsAround(ZoneId zone, int fromYear, int toYear) {
    Arbitrary<Instant> uniform = Arbitraries.longs()
        .between(LocalDate.of(fromYear, 1, 1).toEpochDay() * 86_400, LocalDate.of(toYear, 1, 1).toEpochDay() * 86_400)
        .map(Instant::ofEpochSecond);
    List<Instant> transitions = transitions(zone, fromYear, toYear);
    if (transitions.isEmpty()) {
      return uniform;
    }
    Arbitrary<Instant> nearChange = Combinators.combine(Arbitraries.of(transitions),
        Arbitraries.longs().between(-3 * 86_400, 86_400)).as(Instant::plusSeconds);
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, uniform), net.jqwik.api.Tuple.of(1, nearChange));
  }

  static List<Instant> transitions(ZoneId zone, int fromYear, int toYear) {
    return TRANSITIONS.computeIfAbsent(zone, z -> {
      List<Instant> list = new ArrayList<>();
      ZoneRules rules = z.getRules();
      Instant end = LocalDate.of(toYear, 1, 1).atStartOfDay(ZoneId.of("UTC")).toInstant();
      for (ZoneOffsetTransition t = rules.nextTransition(LocalDate.of(fromYear, 1, 1).atStartOfDay(z).toInstant());
          t != null && t.getInstant().isBefore(end); t = rules.nextTransition(t.getInstant())) {
        list.add(t.getInstant());
      }
      return List.copyOf(list);
    });
  }

  // ---- properties ----------------------------------------------------------------------------

  @Property(tries = 300)
  void enumerationTilesTheRangeExactlyInOrder(@ForAll("ranges") Case c) {
    // Most cases must take the full path; the error paths are for the odd zones only.
    Statistics.label("path").coverage(check -> check.check("tiled").percentage(pct -> pct >= 60));
    Calendar cal = c.calendar();
    Partitioning p = cal.partitioning();
    Partition first;
    Partition last;
    try {
      first = p.partitionAt(c.from());
      last = p.partitionAt(c.to());
    } catch (InvalidRangeException e) {
      // Only an hour next to an offset change of a fraction of an hour has no whole local hour.
      assertThat(cal.unit()).isEqualTo(Unit.HOURLY);
      assertThat(nonWholeHourChanges(cal.zone(), c.from().minusSeconds(7200), c.from().plusSeconds(7200)).isEmpty()
          && nonWholeHourChanges(cal.zone(), c.to().minusSeconds(7200), c.to().plusSeconds(7200)).isEmpty())
          .as("error without a non-whole-hour offset change nearby: %s", e.getMessage()).isFalse();
      assertThat(e).hasMessageContaining("not a whole number of hours");
      Statistics.label("path").collect("no whole hour at an instant");
      return;
    }
    PartitionRange range = PartitionRange.of(first.key().value(), last.key().value());
    Instant rangeStart = first.window().orElseThrow().start();
    Instant rangeEnd = last.window().orElseThrow().end();

    List<String> obstacles = obstacles(cal, rangeStart, rangeEnd);
    if (!obstacles.isEmpty()) {
      InvalidRangeException e = catchThrowableOfType(InvalidRangeException.class, () -> p.enumerate(range));
      assertThat(e).as("range %s over %s must be rejected", range, obstacles).isNotNull();
      assertThat(e.getMessage()).contains(range.toString());
      Statistics.label("path").collect("rejected range");
      return;
    }
    Statistics.label("path").collect("tiled");

    PartitionSequence seq = p.enumerate(range);
    List<Partition> parts = new ArrayList<>();
    seq.forEach(parts::add);
    assertThat(seq.size()).isEqualTo(parts.size());
    assertThat(parts.get(0)).isEqualTo(first);
    assertThat(parts.get(parts.size() - 1)).isEqualTo(last);
    assertThat(parts.get(0).window().orElseThrow().start()).isEqualTo(p.partition(range.start()).window().orElseThrow().start());
    assertThat(parts.get(parts.size() - 1).window().orElseThrow().end())
        .isEqualTo(p.partition(range.end()).window().orElseThrow().end());
    assertThat(parts.get(0).window().orElseThrow().contains(c.from())).isTrue();
    assertThat(parts.get(parts.size() - 1).window().orElseThrow().contains(c.to())).isTrue();

    for (int i = 0; i < parts.size(); i++) {
      Partition part = parts.get(i);
      PartitionKey key = part.key();
      TimeWindow w = part.window().orElseThrow();
      assertThat(seq.get(i)).isEqualTo(part);
      assertThat(seq.keyAt(i)).isEqualTo(key);
      assertThat(seq.indexOf(key)).isEqualTo(i);
      assertThat(p.parse(key.value())).isEqualTo(key);
      assertThat(p.partition(key.value())).isEqualTo(part);
      if (i > 0) {
        assertThat(w.start()).as("gap or overlap before %s", key).isEqualTo(parts.get(i - 1).window().orElseThrow().end());
      }
      assertMatchesCalendar(cal, part, i == 0 ? null : parts.get(i - 1));
      assertTokensDescribeWindow(p, part);
    }
    // Keys next to the range are valid keys but not in it.
    outsideKey(p, rangeStart.minusSeconds(1)).ifPresent(k -> assertThat(seq.indexOf(k)).isEqualTo(-1));
    outsideKey(p, rangeEnd).ifPresent(k -> assertThat(seq.indexOf(k)).isEqualTo(-1));
  }

  @Property(tries = 300)
  void partitionAtContainsTheInstantAndItsKeyParsesBack(@ForAll("calendars") Calendar cal,
      @ForAll("anyInstants") Instant instant) {
    Partitioning p = cal.partitioning();
    Partition part;
    LocalDate firstDay = firstDayOfPartitionAt(cal, instant);
    if (firstDay.isBefore(LocalDate.of(1, 1, 1)) || firstDay.isAfter(LocalDate.of(9999, 12, 31))) {
      // Keys are YYYY-MM-DD from 0001-01-01 to 9999-12-31; no partition may have a key that does not parse.
      assertThatThrownBy(() -> p.partitionAt(instant)).isInstanceOf(InvalidRangeException.class)
          .hasMessageContainingAll(instant.toString(), "is outside the partitions of");
      return;
    }
    try {
      part = p.partitionAt(instant);
    } catch (InvalidRangeException e) {
      assertThat(cal.unit()).isEqualTo(Unit.HOURLY);
      assertThat(nonWholeHourChanges(cal.zone(), instant.minusSeconds(7200), instant.plusSeconds(7200)))
          .as("error without a non-whole-hour offset change nearby: %s", e.getMessage()).isNotEmpty();
      return;
    }
    assertThat(part.window().orElseThrow().contains(instant)).isTrue();
    assertThat(p.parse(part.key().value())).isEqualTo(part.key());
    assertThat(p.partition(part.key().value())).isEqualTo(part);
    assertMatchesCalendar(cal, part, null);
  }

  // ---- the calendar as oracle ------------------------------------------------------------------

  /** The local date on which the partition containing an instant starts. */
  static LocalDate firstDayOfPartitionAt(Calendar cal, Instant instant) {
    LocalDate local = LocalDateTime.ofInstant(instant, cal.zone()).toLocalDate();
    return switch (cal.unit()) {
      case HOURLY, DAILY -> local;
      case WEEKLY -> local.with(TemporalAdjusters.previousOrSame(cal.firstDay()));
      case MONTHLY -> local.withDayOfMonth(1);
    };
  }

  /** Checks a partition against the zone's calendar, and against its predecessor when given. */
  static void assertMatchesCalendar(Calendar cal, Partition part, Partition previous) {
    ZoneId zone = cal.zone();
    TimeWindow w = part.window().orElseThrow();
    String key = part.key().value();
    switch (cal.unit()) {
      case HOURLY -> {
        ZonedDateTime local = w.start().atZone(zone);
        assertThat(w.duration()).isEqualTo(Duration.ofHours(1));
        assertThat(local.toLocalTime().getMinute() * 60 + local.toLocalTime().getSecond()).as("whole local hour").isZero();
        String hour = local.toLocalDateTime().format(DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH"));
        boolean repeated = zone.getRules().getValidOffsets(local.toLocalDateTime()).size() > 1;
        assertThat(key).isEqualTo(repeated ? hour + local.getOffset().getId() : hour);
        assertThat(part.dimensions().get("hour")).isEqualTo(local.toLocalDateTime());
      }
      case DAILY -> {
        LocalDate day = LocalDate.parse(key);
        assertFirstInstantOf(w.start(), day, zone);
        assertFirstInstantOf(w.end(), day.plusDays(1), zone);
        assertThat(part.dimensions().get("day")).isEqualTo(day);
        if (previous != null) {
          assertThat(day).isEqualTo(LocalDate.parse(previous.key().value()).plusDays(1));
        }
      }
      case WEEKLY -> {
        LocalDate day = LocalDate.parse(key);
        assertThat(day.getDayOfWeek()).isEqualTo(cal.firstDay());
        assertFirstInstantOf(w.start(), day, zone);
        assertFirstInstantOf(w.end(), day.plusWeeks(1), zone);
        assertThat(part.dimensions().get("week")).isEqualTo(day);
        if (previous != null) {
          assertThat(day).isEqualTo(LocalDate.parse(previous.key().value()).plusWeeks(1));
        }
      }
      case MONTHLY -> {
        YearMonth month = YearMonth.parse(key);
        assertFirstInstantOf(w.start(), month.atDay(1), zone);
        assertFirstInstantOf(w.end(), month.plusMonths(1).atDay(1), zone);
        assertThat(part.dimensions().get("month")).isEqualTo(month.atDay(1));
        if (previous != null) {
          assertThat(month).isEqualTo(YearMonth.parse(previous.key().value()).plusMonths(1));
        }
      }
      default -> throw new AssertionError(cal.unit());
    }
  }

  /** The instant is the first whose local date is on or after {@code day}. */
  static void assertFirstInstantOf(Instant instant, LocalDate day, ZoneId zone) {
    assertThat(instant.atZone(zone).toLocalDate()).as("local date of %s", instant).isAfterOrEqualTo(day);
    assertThat(instant.minusNanos(1).atZone(zone).toLocalDate()).as("local date before %s", instant).isBefore(day);
  }

  static void assertTokensDescribeWindow(Partitioning p, Partition part) {
    TimeWindow w = part.window().orElseThrow();
    Tokens t = part.tokens();
    ZoneId zone = w.zone();
    assertThat(t.names()).containsExactlyInAnyOrderElementsOf(p.tokenNames());
    assertThat(t.get(Tokens.START_DATE)).isEqualTo(w.start().atZone(zone).toLocalDate());
    assertThat(t.get(Tokens.END_DATE)).isEqualTo(w.end().minusNanos(1).atZone(zone).toLocalDate());
    assertThat(((OffsetDateTime) t.get(Tokens.START_TS)).toInstant()).isEqualTo(w.start());
    assertThat(((OffsetDateTime) t.get(Tokens.END_TS)).toInstant()).isEqualTo(w.end());
    assertThat(((OffsetDateTime) t.get(Tokens.END_TS)).getOffset()).isEqualTo(zone.getRules().getOffset(w.end()));
    BigDecimal hours = new BigDecimal(t.get(Tokens.HOURS).toString());
    assertThat(hours.multiply(BigDecimal.valueOf(3600)).subtract(BigDecimal.valueOf(w.duration().getSeconds())).abs())
        .as("hours %s for %s", hours, w).isLessThan(BigDecimal.ONE);
    assertThat(t.get(Tokens.PARTITION_KEY)).isEqualTo(part.key().value());
  }

  /** Why a range over these instants must be rejected, or nothing when it must enumerate. */
  static List<String> obstacles(Calendar cal, Instant start, Instant end) {
    List<String> found = new ArrayList<>();
    if (cal.unit() == Unit.HOURLY) {
      found.addAll(nonWholeHourChanges(cal.zone(), start, end));
    }
    if (cal.unit() == Unit.DAILY) {
      LocalDate last = end.minusNanos(1).atZone(cal.zone()).toLocalDate();
      for (ZoneOffsetTransition t = cal.zone().getRules().nextTransition(start);
          t != null && t.getInstant().isBefore(end); t = cal.zone().getRules().nextTransition(t.getInstant())) {
        for (LocalDate d = t.getDateTimeBefore().toLocalDate(); !d.isAfter(last) && !d.isAfter(t.getDateTimeAfter().toLocalDate());
            d = d.plusDays(1)) {
          if (dayDoesNotExist(cal.zone(), d)) {
            found.add("skipped day " + d);
          }
        }
      }
    }
    return found;
  }

  /** Offset changes in (from, to) by a fraction of an hour. */
  static List<String> nonWholeHourChanges(ZoneId zone, Instant from, Instant to) {
    List<String> found = new ArrayList<>();
    for (ZoneOffsetTransition t = zone.getRules().nextTransition(from); t != null && t.getInstant().isBefore(to);
        t = zone.getRules().nextTransition(t.getInstant())) {
      if (t.getDuration().getSeconds() % 3600 != 0) {
        found.add(t.toString());
      }
    }
    return found;
  }

  /** No time of the day exists locally. */
  static boolean dayDoesNotExist(ZoneId zone, LocalDate day) {
    for (int hour = 0; hour < 24; hour++) {
      if (!zone.getRules().getValidOffsets(LocalDateTime.of(day, LocalTime.of(hour, 0))).isEmpty()
          || !zone.getRules().getValidOffsets(LocalDateTime.of(day, LocalTime.of(hour, 30))).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  static java.util.Optional<PartitionKey> outsideKey(Partitioning p, Instant instant) {
    try {
      return java.util.Optional.of(p.partitionAt(instant).key());
    } catch (InvalidRangeException e) {
      return java.util.Optional.empty();
    }
  }
}
