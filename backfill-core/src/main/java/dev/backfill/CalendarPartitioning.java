package dev.backfill;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.TextStyle;
import java.time.temporal.TemporalAdjusters;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hourly, daily, weekly, monthly and yearly partitions of a zone's local calendar, optionally from a
 * first partition ({@link #startingAt}) and listed with an end offset ({@link #withEndOffset}).
 *
 * <p>Ordinals: days are epoch days, weeks count from the week containing 1970-01-01, months are
 * {@code year * 12 + month - 1}, years are the year, hours count elapsed hours aligned on the zone's
 * local whole hours.
 */
final class CalendarPartitioning extends SingleDimension implements TimeDimension {

  enum Unit {
    HOUR("hourly", "YYYY-MM-DDTHH (e.g. 2024-03-01T05)"),
    DAY("daily", "YYYY-MM-DD (e.g. 2024-03-01)"),
    WEEK("weekly", "YYYY-MM-DD, the first day of a week"),
    MONTH("monthly", "YYYY-MM (e.g. 2024-03)"),
    YEAR("yearly", "YYYY (e.g. 2024)");

    final String adjective;
    final String form;

    Unit(String adjective, String form) {
      this.adjective = adjective;
      this.form = form;
    }
  }

  private static final Pattern HOUR_KEY =
      // Offsets may carry seconds: a repeated hour in the local-mean-time era (Pacific/Apia on
      // 1892-07-04) is keyed 1892-07-04T05+12:33:04.
      Pattern.compile("(\\d{4}-\\d{2}-\\d{2})T(\\d{2})([+-]\\d{2}:\\d{2}(?::\\d{2})?|Z)?");
  private static final Pattern DAY_KEY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final Pattern MONTH_KEY = Pattern.compile("(\\d{4})-(\\d{2})");
  private static final Pattern YEAR_KEY = Pattern.compile("\\d{4}");
  private static final LocalDate MIN_DATE = LocalDate.of(1, 1, 1);
  private static final LocalDate MAX_DATE = LocalDate.of(9999, 12, 31);

  final Unit unit;
  final ZoneId zone;
  final DayOfWeek firstDay;
  private final ZoneRules rules;
  private final long weekShift;
  // Ordinals of the first and last partition whose key parses (dates 0001-01-01..9999-12-31).
  private final long minOrdinal;
  private final long maxOrdinal;
  // The configured first partition (NO_START when none) and the end offset of "as of" listings.
  private final long start;
  private final int endOffset;

  CalendarPartitioning(Unit unit, ZoneId zone, DayOfWeek firstDay, String name) {
    this(unit, zone, firstDay, name, NO_START, 0);
  }

  private CalendarPartitioning(Unit unit, ZoneId zone, DayOfWeek firstDay, String name, long start, int endOffset) {
    super(name);
    this.start = start;
    this.endOffset = endOffset;
    this.unit = Objects.requireNonNull(unit, "unit");
    this.zone = Objects.requireNonNull(zone, "zone");
    this.firstDay = Objects.requireNonNull(firstDay, "firstDayOfWeek");
    this.rules = zone.getRules();
    this.weekShift = LocalDate.ofEpochDay(0).with(TemporalAdjusters.previousOrSame(firstDay)).toEpochDay();
    this.minOrdinal = switch (unit) {
      case HOUR -> hourOrdinal(MIN_DATE.atStartOfDay(zone).toInstant());
      case DAY -> MIN_DATE.toEpochDay();
      case WEEK -> -Math.floorDiv(weekShift - MIN_DATE.toEpochDay(), 7);
      case MONTH -> monthOrdinal(MIN_DATE);
      case YEAR -> MIN_DATE.getYear();
    };
    this.maxOrdinal = switch (unit) {
      case HOUR -> hourOrdinal(MAX_DATE.plusDays(1).atStartOfDay(zone).toInstant()) - 1;
      case DAY -> MAX_DATE.toEpochDay();
      case WEEK -> Math.floorDiv(MAX_DATE.toEpochDay() - weekShift, 7);
      case MONTH -> monthOrdinal(MAX_DATE);
      case YEAR -> MAX_DATE.getYear();
    };
  }

  @Override
  public Partitioning named(String dimension) {
    return new CalendarPartitioning(unit, zone, firstDay, dimension, start, endOffset);
  }

  @Override
  public Partitioning startingAt(String firstKey) {
    return new CalendarPartitioning(unit, zone, firstDay, name, ordinalOf(firstKey, "first partition"), endOffset);
  }

  @Override
  public Partitioning withEndOffset(int partitions) {
    return new CalendarPartitioning(unit, zone, firstDay, name, start, TimeDimension.checkOffset(partitions));
  }

  @Override
  public int endOffset() {
    return endOffset;
  }

  @Override
  public Optional<PartitionKey> firstPartition() {
    return start == NO_START ? Optional.empty() : Optional.of(new PartitionKey(keyAt(start)));
  }

  @Override
  long firstOrdinal() {
    return start;
  }

  @Override
  public Partition shift(Partition partition, long partitions) {
    long ordinal = Math.addExact(ordinalOf(partition.key().value(), "partition key"), partitions);
    if (ordinal < minOrdinal || ordinal > maxOrdinal) {
      throw new InvalidRangeException("partition " + partition.key() + " shifted by " + partitions + " is outside the"
          + " partitions of " + describe() + "; expected a partition within " + keyAt(minOrdinal) + " .. "
          + keyAt(maxOrdinal));
    }
    return partitionAt(ordinal);
  }

  @Override
  public boolean isTimeBased() {
    return true;
  }

  @Override
  public Optional<ZoneId> zone() {
    return Optional.of(zone);
  }

  @Override
  public Partition partitionAt(Instant instant) {
    long ordinal;
    try {
      ordinal = ordinalAt(instant);
    } catch (DateTimeException e) {
      ordinal = Long.MAX_VALUE;
    }
    if (unit != Unit.HOUR && ordinal >= minOrdinal && ordinal <= maxOrdinal) {
      // Local dates can run backwards for a moment: St. John's set its clocks back from 00:01 to
      // 23:01 in 1987, so an instant dated the 24th lies after the 25th began. Windows tile time
      // from each day's first instant, so step to the window that holds the instant.
      while (ordinal < maxOrdinal && !instant.isBefore(firstInstant(ordinal + 1))) {
        ordinal++;
      }
      while (ordinal > minOrdinal && instant.isBefore(firstInstant(ordinal))) {
        ordinal--;
      }
    }
    if (ordinal < minOrdinal || ordinal > maxOrdinal) {
      // Keys outside these dates would not parse back, so no partition may be made of them.
      throw new InvalidRangeException("instant " + instant + " is outside the partitions of " + describe()
          + "; expected an instant within " + keyAt(minOrdinal) + " .. " + keyAt(maxOrdinal));
    }
    Partition partition = partitionAt(ordinal);
    if (unit == Unit.HOUR) {
      TimeWindow window = partition.window().orElseThrow();
      if (!window.contains(instant) || window.startInZone().getMinute() != 0 || window.startInZone().getSecond() != 0) {
        // Hour arithmetic assumes whole-hour offset changes; next to any other change (Lord Howe's
        // 30-minute daylight saving time, local mean time) an instant has no whole local hour.
        throw new InvalidRangeException("instant " + instant + " lies next to " + describeTransitionNear(instant)
            + " that is not a whole number of hours, so it has no whole local hour; hourly partitions need"
            + " whole-hour offset changes. Partition hourly in UTC instead");
      }
    }
    return partition;
  }

  /** The first instant of a day, week or month partition. */
  private Instant firstInstant(long ordinal) {
    return firstDay(ordinal).atStartOfDay(zone).toInstant();
  }

  private String describeTransitionNear(Instant instant) {
    ZoneOffsetTransition t = rules.nextTransition(instant.minusSeconds(2 * 3600));
    if (t == null || t.getInstant().isAfter(instant.plusSeconds(2 * 3600))) {
      return "a change of " + zone + "'s offset";
    }
    return "the change of " + zone + " from " + t.getOffsetBefore() + " to " + t.getOffsetAfter() + " at " + t.getInstant();
  }

  long ordinalAt(Instant instant) {
    return switch (unit) {
      case HOUR -> hourOrdinal(instant);
      case DAY -> instant.atZone(zone).toLocalDate().toEpochDay();
      case WEEK -> Math.floorDiv(instant.atZone(zone).toLocalDate().toEpochDay() - weekShift, 7);
      case MONTH -> monthOrdinal(instant.atZone(zone).toLocalDate());
      case YEAR -> instant.atZone(zone).getYear();
    };
  }

  @Override
  String exampleKey() {
    return switch (unit) {
      case HOUR -> "2024-03-01T05";
      case DAY -> "2024-03-01";
      case WEEK -> LocalDate.of(2024, 3, 1).with(TemporalAdjusters.nextOrSame(firstDay)).toString();
      case MONTH -> "2024-03";
      case YEAR -> "2024";
    };
  }

  @Override
  String expectedForm() {
    return unit == Unit.WEEK ? "YYYY-MM-DD, a " + dayName(firstDay) + " (weeks start on " + dayName(firstDay) + ")"
        : unit.form;
  }

  @Override
  long ordinalOf(String text, String label) {
    return switch (unit) {
      case HOUR -> parseHour(text, label);
      case DAY -> parseDay(text, label);
      case WEEK -> parseWeek(text, label);
      case MONTH -> parseMonth(text, label);
      case YEAR -> parseYear(text, label);
    };
  }

  @Override
  String keyAt(long ordinal) {
    return switch (unit) {
      case HOUR -> hourKey(hourStart(ordinal));
      case DAY -> LocalDate.ofEpochDay(ordinal).toString();
      case WEEK -> LocalDate.ofEpochDay(ordinal * 7 + weekShift).toString();
      case MONTH -> String.format(Locale.ROOT, "%04d-%02d", Math.floorDiv(ordinal, 12), Math.floorMod(ordinal, 12) + 1);
      case YEAR -> String.format(Locale.ROOT, "%04d", ordinal);
    };
  }

  @Override
  TimeWindow windowAt(long ordinal) {
    if (unit == Unit.HOUR) {
      Instant start = hourStart(ordinal);
      return new TimeWindow(start, start.plusSeconds(3600), zone);
    }
    LocalDate first = firstDay(ordinal);
    LocalDate next = switch (unit) {
      case DAY -> first.plusDays(1);
      case WEEK -> first.plusWeeks(1);
      case YEAR -> first.plusYears(1);
      default -> first.plusMonths(1);
    };
    return new TimeWindow(first.atStartOfDay(zone).toInstant(), next.atStartOfDay(zone).toInstant(), zone);
  }

  @Override
  Object valueAt(long ordinal) {
    if (unit == Unit.HOUR) {
      return hourStart(ordinal).atZone(zone).toLocalDateTime();
    }
    return firstDay(ordinal);
  }

  private LocalDate firstDay(long ordinal) {
    return switch (unit) {
      case DAY -> LocalDate.ofEpochDay(ordinal);
      case WEEK -> LocalDate.ofEpochDay(ordinal * 7 + weekShift);
      case MONTH -> LocalDate.of((int) Math.floorDiv(ordinal, 12), Math.floorMod(ordinal, 12) + 1, 1);
      case YEAR -> LocalDate.of((int) ordinal, 1, 1);
      case HOUR -> throw new IllegalStateException("hours have no first day");
    };
  }

  @Override
  void checkRange(long first, long last, PartitionRange range) {
    if (unit == Unit.DAY) {
      checkNoSkippedDay(first, last, range);
      return;
    }
    if (unit != Unit.HOUR) {
      return;
    }
    // Hour ordinals assume the offset's minutes stay the same (true for whole-hour DST shifts).
    Instant start = hourStart(first);
    Instant end = hourStart(last).plusSeconds(3600);
    long minutes = subHourSeconds(start);
    for (ZoneOffsetTransition t = rules.nextTransition(start); t != null && t.getInstant().isBefore(end);
        t = rules.nextTransition(t.getInstant())) {
      if (Math.floorMod(t.getOffsetAfter().getTotalSeconds(), 3600) != minutes) {
        throw new InvalidRangeException("range " + range + " crosses a change of " + zone
            + " from " + t.getOffsetBefore() + " to " + t.getOffsetAfter() + " at " + t.getInstant()
            + " that is not a whole number of hours; hourly partitions need whole-hour offset changes."
            + " Narrow the range or partition hourly in UTC");
      }
    }
  }

  /**
   * Rejects a daily range over a day the zone skipped entirely (Pacific/Apia on 2011-12-30): such a
   * day has no window, and the ordinal arithmetic of the range would count it. Only transitions
   * inside the range are visited, so this costs a few steps per year of range.
   */
  private void checkNoSkippedDay(long first, long last, PartitionRange range) {
    Instant end = LocalDate.ofEpochDay(last + 1).atStartOfDay(zone).toInstant();
    for (ZoneOffsetTransition t = rules.nextTransition(LocalDate.ofEpochDay(first).atStartOfDay(zone).toInstant());
        t != null && t.getInstant().isBefore(end); t = rules.nextTransition(t.getInstant())) {
      if (!t.isGap() || t.getDuration().getSeconds() < 86_400) {
        continue;
      }
      for (LocalDate d = t.getDateTimeBefore().toLocalDate(); !d.isAfter(t.getDateTimeAfter().toLocalDate());
          d = d.plusDays(1)) {
        if (skipped(d)) {
          throw new InvalidRangeException("range " + range + " contains " + d + ", a day that does not exist in "
              + zone + " (the clocks jump from " + t.getDateTimeBefore() + t.getOffsetBefore() + " to "
              + t.getDateTimeAfter() + t.getOffsetAfter() + "); split the range around it: " + range.start()
              + ".." + d.minusDays(1) + " and " + d.plusDays(1) + ".." + range.end());
        }
      }
    }
  }

  /** True when the zone skips the whole day, so that it has no midnight nor any other hour. */
  private boolean skipped(LocalDate day) {
    return !day.atStartOfDay(zone).toLocalDate().equals(day);
  }

  // ---- hours -------------------------------------------------------------------------------

  /**
   * Returns the runs of hours whose local time occurs twice (clocks going back), that overlap the
   * ordinals {@code first..last}, as {first ordinal, count} pairs in one array; the runs are whole,
   * so a run may begin before {@code first} or end after {@code last}. Only transitions near the
   * range are visited.
   */
  long[] repeatedHourRuns(long first, long last) {
    Instant start = hourStart(first);
    Instant end = hourStart(last).plusSeconds(3600);
    long[] runs = new long[0];
    // A run reaches back one overlap's length before its transition: start looking a day early.
    for (ZoneOffsetTransition t = rules.nextTransition(start.minusSeconds(86_400)); t != null
        && t.getInstant().minusSeconds(86_400).isBefore(end); t = rules.nextTransition(t.getInstant())) {
      long back = -t.getDuration().getSeconds();
      if (back <= 0 || back % 3600 != 0) {
        continue;
      }
      long runStart = hourOrdinal(t.getInstant().minusSeconds(back));
      long count = 2 * back / 3600;
      if (runStart <= last && runStart + count - 1 >= first) {
        runs = java.util.Arrays.copyOf(runs, runs.length + 2);
        runs[runs.length - 2] = runStart;
        runs[runs.length - 1] = count;
      }
    }
    return runs;
  }

  private long subHourSeconds(Instant instant) {
    return Math.floorMod(rules.getOffset(instant).getTotalSeconds(), 3600);
  }

  private long hourOrdinal(Instant instant) {
    return Math.floorDiv(instant.getEpochSecond() + subHourSeconds(instant), 3600);
  }

  private Instant hourStart(long ordinal) {
    Instant guess = Instant.ofEpochSecond(ordinal * 3600);
    Instant start = guess.minusSeconds(subHourSeconds(guess));
    if (hourOrdinal(start) != ordinal) {
      start = guess.minusSeconds(subHourSeconds(start));
    }
    return start;
  }

  private String hourKey(Instant start) {
    LocalDateTime local = LocalDateTime.ofInstant(start, zone);
    int hour = local.getHour();
    // concatenation, not String.format: a key is made for every slice an executor runs
    String key = local.toLocalDate() + (hour < 10 ? "T0" : "T") + hour;
    if (rules.getValidOffsets(local).size() > 1) {
      key += rules.getOffset(start).getId();
    }
    return key;
  }

  private long parseHour(String text, String label) {
    Matcher m = HOUR_KEY.matcher(text);
    if (!m.matches()) {
      throw misaligned(text, label);
    }
    LocalDate date = date(m.group(1), text, label);
    int hour = Integer.parseInt(m.group(2));
    if (hour > 23) {
      throw new InvalidPartitionKeyException(label + " '" + text + "' is not an hour; expected " + unit.form);
    }
    LocalDateTime local = LocalDateTime.of(date, LocalTime.of(hour, 0));
    List<ZoneOffset> offsets = rules.getValidOffsets(local);
    String hourText = m.group(1) + "T" + m.group(2);
    if (offsets.isEmpty()) {
      throw new InvalidPartitionKeyException(label + " '" + text + "' does not exist in " + zone
          + " (the clocks skip that hour); expected an existing local hour such as "
          + hourKey(hourStart(hourOrdinal(local.atZone(zone).toInstant()) - 1)));
    }
    ZoneOffset offset;
    if (m.group(3) == null) {
      if (offsets.size() > 1) {
        throw new InvalidPartitionKeyException(label + " '" + text + "' occurs twice in " + zone
            + " (the clocks go back); expected " + hourText + offsets.get(0).getId() + " or " + hourText
            + offsets.get(1).getId());
      }
      offset = offsets.get(0);
    } else {
      try {
        offset = ZoneOffset.of(m.group(3));
      } catch (DateTimeException e) {
        throw new InvalidPartitionKeyException(label + " '" + text + "' has offset " + m.group(3)
            + ", which is not an offset; expected " + unit.form + ", with +HH:MM only for an hour that occurs twice");
      }
      if (!offsets.contains(offset)) {
        throw new InvalidPartitionKeyException(label + " '" + text + "' has offset " + offset + " but " + hourText
            + " in " + zone + " has offset " + offsets.get(0) + "; expected " + unit.form);
      }
    }
    Instant start = local.toInstant(offset);
    if (subHourSeconds(start) != Math.floorMod(offset.getTotalSeconds(), 3600)) {
      throw misaligned(text, label);
    }
    return hourOrdinal(start);
  }

  // ---- days, weeks, months -----------------------------------------------------------------

  private long parseDay(String text, String label) {
    LocalDate date = parseDate(text, label);
    if (skipped(date)) {
      throw new InvalidPartitionKeyException(label + " '" + text + "' does not exist in " + zone
          + " (the clocks skip that whole day); expected an existing local day such as " + date.minusDays(1));
    }
    return date.toEpochDay();
  }

  private LocalDate parseDate(String text, String label) {
    if (!DAY_KEY.matcher(text).matches()) {
      throw misaligned(text, label);
    }
    return date(text, text, label);
  }

  private long parseWeek(String text, String label) {
    LocalDate date = parseDate(text, label);
    if (date.getDayOfWeek() != firstDay) {
      LocalDate start = date.with(TemporalAdjusters.previousOrSame(firstDay));
      throw new InvalidPartitionKeyException(label + " '" + text + "' is a " + dayName(date.getDayOfWeek())
          + " but weekly partitions start on " + dayName(firstDay) + "; expected the week's first day, e.g. "
          + start);
    }
    return Math.floorDiv(date.toEpochDay() - weekShift, 7);
  }

  private long parseMonth(String text, String label) {
    Matcher m = MONTH_KEY.matcher(text);
    if (!m.matches()) {
      throw misaligned(text, label);
    }
    int year = Integer.parseInt(m.group(1));
    int month = Integer.parseInt(m.group(2));
    if (year < 1 || month < 1 || month > 12) {
      throw new InvalidPartitionKeyException(label + " '" + text + "' is not a month; expected " + unit.form);
    }
    return year * 12L + month - 1;
  }

  private long parseYear(String text, String label) {
    if (!YEAR_KEY.matcher(text).matches()) {
      throw misaligned(text, label);
    }
    int year = Integer.parseInt(text);
    if (year < 1) {
      throw new InvalidPartitionKeyException(label + " '" + text + "' is not a year; expected " + unit.form);
    }
    return year;
  }

  private static long monthOrdinal(LocalDate date) {
    return date.getYear() * 12L + date.getMonthValue() - 1;
  }

  private LocalDate date(String dateText, String text, String label) {
    try {
      LocalDate date = LocalDate.parse(dateText);
      if (date.isBefore(MIN_DATE) || date.isAfter(MAX_DATE)) {
        throw new DateTimeException("out of range");
      }
      return date;
    } catch (DateTimeException e) {
      throw new InvalidPartitionKeyException(label + " '" + text + "' is not a date; expected " + unit.form);
    }
  }

  /** A key of the wrong shape; says which unit it looks like when that helps. */
  private InvalidPartitionKeyException misaligned(String text, String label) {
    String looksLike = HOUR_KEY.matcher(text).matches() ? "an hourly key"
        : DAY_KEY.matcher(text).matches() ? "a daily key"
        : MONTH_KEY.matcher(text).matches() ? "a monthly key"
        : YEAR_KEY.matcher(text).matches() ? "a yearly key"
        : null;
    String what = looksLike == null
        ? "is not a " + unit.adjective + " partition key"
        : "is " + looksLike + " but the target is partitioned " + unit.adjective;
    return new InvalidPartitionKeyException(label + " '" + text + "' " + what + "; expected " + expectedForm());
  }

  private static String dayName(DayOfWeek day) {
    return day.getDisplayName(TextStyle.FULL, Locale.ENGLISH);
  }

  @Override
  public String describe() {
    String args = unit == Unit.WEEK ? zone + ", " + firstDay : zone.toString();
    String base = unit.adjective + "(" + args + ")";
    return (name.equals(defaultName(unit)) ? base : base + " as " + name)
        + (start == NO_START ? "" : " from " + keyAt(start))
        + (endOffset == 0 ? "" : " end offset " + (endOffset > 0 ? "+" : "") + endOffset);
  }

  static String defaultName(Unit unit) {
    return switch (unit) {
      case HOUR -> "hour";
      case DAY -> "day";
      case WEEK -> "week";
      case MONTH -> "month";
      case YEAR -> "year";
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CalendarPartitioning c && c.unit == unit && c.zone.equals(zone)
        && c.firstDay == firstDay && c.name.equals(name) && c.start == start && c.endOffset == endOffset;
  }

  @Override
  public int hashCode() {
    return Objects.hash(unit, zone, firstDay, name, start, endOffset);
  }

  @Override
  public String toString() {
    return describe();
  }
}
