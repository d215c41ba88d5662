package dev.backfill;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneRules;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Partitions between consecutive fire times of a cron schedule in a zone: the partition of a fire
 * time {@code t} is {@code [t, next(t))}. Fire times are taken from cron-utils in the zone, so they
 * follow daylight saving time: a local time the clocks skip is no fire time (the partition before it
 * lasts until the next one), and a local time that occurs twice fires twice, its keys told apart by
 * their offsets.
 *
 * <p>Fire times are not arithmetic, so a range is enumerated once by stepping through the schedule
 * and kept as an array of epoch seconds (8 bytes a partition).
 */
final class CronPartitioning implements Partitioning, TimeDimension {
  private static final Pattern KEY = Pattern.compile(
      "(\\d{4}-\\d{2}-\\d{2})T(\\d{2}):(\\d{2})([+-]\\d{2}:\\d{2}(?::\\d{2})?|Z)?");
  private static final String FORM = "YYYY-MM-DDTHH:MM, a fire time of the schedule (e.g. 2024-03-01T06:00)";
  private static final LocalDate MIN_DATE = LocalDate.of(1, 1, 2);
  private static final LocalDate MAX_DATE = LocalDate.of(9999, 12, 30);

  final String expression;
  final ZoneId zone;
  final String name;
  private final @Nullable Instant start;
  private final int endOffset;
  private final CronSchedule schedule;
  private final ZoneRules rules;

  private CronPartitioning(String expression, ZoneId zone, String name, @Nullable Instant start, int endOffset,
      CronSchedule schedule) {
    this.expression = expression;
    this.zone = zone;
    this.name = SingleDimension.validName(name);
    this.start = start;
    this.endOffset = endOffset;
    this.schedule = schedule;
    this.rules = zone.getRules();
  }

  static CronPartitioning of(String expression, ZoneId zone) {
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(zone, "zone");
    return new CronPartitioning(expression, zone, "slot", null, 0, CronSchedule.parse(expression));
  }

  @Override
  public Partitioning named(String dimension) {
    return new CronPartitioning(expression, zone, dimension, start, endOffset, schedule);
  }

  @Override
  public Partitioning startingAt(String firstKey) {
    return new CronPartitioning(expression, zone, name, fireTime(firstKey, "first partition"), endOffset, schedule);
  }

  @Override
  public Partitioning withEndOffset(int partitions) {
    return new CronPartitioning(expression, zone, name, start, TimeDimension.checkOffset(partitions), schedule);
  }

  @Override
  public Optional<PartitionKey> firstPartition() {
    return Optional.ofNullable(start).map(s -> new PartitionKey(key(s)));
  }

  @Override
  public int endOffset() {
    return endOffset;
  }

  @Override
  public List<String> dimensions() {
    return List.of(name);
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
  public Partition partition(String key) {
    Instant at = fireTime(key, "partition key");
    if (start != null && at.isBefore(start)) {
      throw new InvalidPartitionKeyException("partition key '" + key + "' is before the first partition " + key(start)
          + " of " + describe() + "; expected " + key(start) + " or later");
    }
    return partitionOf(at);
  }

  @Override
  public Partition partitionAt(Instant instant) {
    ZonedDateTime t = instant.atZone(zone);
    ZonedDateTime fire = schedule.matches(t) ? t : schedule.previous(t).orElseThrow(() -> new InvalidRangeException(
        "instant " + instant + " is before the first fire time of " + describe() + "; expected a later instant"));
    return partitionOf(fire.toInstant());
  }

  @Override
  public Partition shift(Partition partition, long partitions) {
    Instant at = partition.window().orElseThrow().start();
    for (long i = 0; i < Math.abs(partitions); i++) {
      at = partitions > 0 ? next(at) : previous(at);
    }
    return partitionOf(at);
  }

  @Override
  public PartitionSequence enumerate(PartitionRange range) {
    Instant first = fireTime(range.start(), "start");
    Instant last = fireTime(range.end(), "end");
    if (first.isAfter(last)) {
      throw new InvalidRangeException("start '" + range.start() + "' is after end '" + range.end()
          + "'; expected start <= end");
    }
    if (start != null && first.isBefore(start)) {
      throw new InvalidRangeException("start '" + range.start() + "' is before the first partition " + key(start)
          + " of " + describe() + "; expected a start on or after " + key(start));
    }
    long[] starts = new long[16];
    int n = 0;
    for (Instant at = first; !at.isAfter(last); at = next(at)) {
      if (n == Integer.MAX_VALUE - 8) {
        throw new InvalidRangeException("range " + range + " holds more than " + n + " partitions of " + describe()
            + "; split the range");
      }
      if (n == starts.length) {
        starts = Arrays.copyOf(starts, (int) Math.min(Integer.MAX_VALUE - 8L, n * 2L));
      }
      starts[n++] = at.getEpochSecond();
    }
    return new FireSequence(Arrays.copyOf(starts, n), next(last));
  }

  @Override
  public Map<String, List<String>> staticKeys() {
    return Map.of();
  }

  @Override
  public Set<String> tokenNames() {
    Set<String> names = new LinkedHashSet<>(List.of(Tokens.START_DATE, Tokens.END_DATE, Tokens.START_TS, Tokens.END_TS,
        Tokens.HOURS, Tokens.PARTITION_KEY));
    names.add(name);
    return names;
  }

  @Override
  public String describe() {
    return "cron(" + expression + ", " + zone + ")" + (name.equals("slot") ? "" : " as " + name)
        + (start == null ? "" : " from " + key(start))
        + (endOffset == 0 ? "" : " end offset " + (endOffset > 0 ? "+" : "") + endOffset);
  }

  private Partition partitionOf(Instant fire) {
    TimeWindow window = new TimeWindow(fire, next(fire), zone);
    return new Partition(new PartitionKey(key(fire)), window,
        Map.of(name, LocalDateTime.ofInstant(fire, zone)));
  }

  private Instant next(Instant after) {
    return schedule.next(after.atZone(zone)).orElseThrow(() -> new InvalidRangeException(describe()
        + " does not fire after " + key(after) + "; expected a schedule that keeps firing")).toInstant();
  }

  private Instant previous(Instant before) {
    return schedule.previous(before.atZone(zone)).orElseThrow(() -> new InvalidRangeException(describe()
        + " does not fire before " + key(before) + "; expected a later partition")).toInstant();
  }

  String key(Instant fire) {
    LocalDateTime local = LocalDateTime.ofInstant(fire, zone);
    String key = String.format(Locale.ROOT, "%sT%02d:%02d", local.toLocalDate(), local.getHour(), local.getMinute());
    return rules.getValidOffsets(local).size() > 1 ? key + rules.getOffset(fire).getId() : key;
  }

  /** The instant a key names, which must be a fire time of the schedule. */
  private Instant fireTime(String text, String label) {
    Matcher m = KEY.matcher(text);
    if (!m.matches()) {
      throw new InvalidPartitionKeyException(label + " '" + text + "' is not a cron partition key; expected " + FORM);
    }
    LocalDateTime local;
    try {
      local = LocalDateTime.of(LocalDate.parse(m.group(1)),
          LocalTime.of(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))));
    } catch (DateTimeException e) {
      throw new InvalidPartitionKeyException(label + " '" + text + "' is not a date and time; expected " + FORM);
    }
    if (local.toLocalDate().isBefore(MIN_DATE) || local.toLocalDate().isAfter(MAX_DATE)) {
      throw new InvalidPartitionKeyException(label + " '" + text + "' is out of range; expected a date within "
          + MIN_DATE + " .. " + MAX_DATE);
    }
    List<ZoneOffset> offsets = rules.getValidOffsets(local);
    String bare = m.group(1) + "T" + m.group(2) + ":" + m.group(3);
    if (offsets.isEmpty()) {
      throw new InvalidPartitionKeyException(label + " '" + text + "' does not exist in " + zone
          + " (the clocks skip it), so it is no fire time of " + describe() + "; expected " + FORM);
    }
    ZoneOffset offset;
    if (m.group(4) == null) {
      if (offsets.size() > 1) {
        throw new InvalidPartitionKeyException(label + " '" + text + "' occurs twice in " + zone
            + " (the clocks go back); expected " + bare + offsets.get(0).getId() + " or " + bare + offsets.get(1).getId());
      }
      offset = offsets.get(0);
    } else {
      try {
        offset = ZoneOffset.of(m.group(4));
      } catch (DateTimeException e) {
        throw new InvalidPartitionKeyException(label + " '" + text + "' has offset " + m.group(4)
            + ", which is not an offset; expected " + FORM);
      }
      if (!offsets.contains(offset)) {
        throw new InvalidPartitionKeyException(label + " '" + text + "' has offset " + offset + " but " + bare + " in "
            + zone + " has offset " + offsets.get(0) + "; expected " + FORM);
      }
    }
    ZonedDateTime at = ZonedDateTime.ofStrict(local, offset, zone);
    if (!schedule.matches(at)) {
      String before = schedule.previous(at).map(t -> key(t.toInstant())).orElse("none");
      String after = schedule.next(at).map(t -> key(t.toInstant())).orElse("none");
      throw new InvalidPartitionKeyException(label + " '" + text + "' is not a fire time of " + describe()
          + "; expected a fire time such as " + before + " or " + after);
    }
    return at.truncatedTo(ChronoUnit.MINUTES).toInstant();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CronPartitioning c && c.expression.equals(expression) && c.zone.equals(zone)
        && c.name.equals(name) && Objects.equals(c.start, start) && c.endOffset == endOffset;
  }

  @Override
  public int hashCode() {
    return Objects.hash(expression, zone, name, start, endOffset);
  }

  @Override
  public String toString() {
    return describe();
  }

  /** The fire times of a range, as epoch seconds, and the end of its last partition. */
  private final class FireSequence implements PartitionSequence {
    private final long[] starts;
    private final Instant end;

    FireSequence(long[] starts, Instant end) {
      this.starts = starts;
      this.end = end;
    }

    @Override
    public long size() {
      return starts.length;
    }

    @Override
    public Partition get(long index) {
      Instant at = Instant.ofEpochSecond(starts[check(index)]);
      Instant until = index + 1 < starts.length ? Instant.ofEpochSecond(starts[(int) index + 1]) : end;
      return new Partition(new PartitionKey(key(at)), new TimeWindow(at, until, zone),
          Map.of(name, LocalDateTime.ofInstant(at, zone)));
    }

    @Override
    public PartitionKey keyAt(long index) {
      return new PartitionKey(key(Instant.ofEpochSecond(starts[check(index)])));
    }

    private int check(long index) {
      if (index < 0 || index >= starts.length) {
        throw new IndexOutOfBoundsException("index " + index + " outside 0.." + (starts.length - 1));
      }
      return (int) index;
    }

    @Override
    public long indexOf(PartitionKey key) {
      try {
        int i = Arrays.binarySearch(starts, fireTime(key.value(), "key").getEpochSecond());
        return i < 0 ? -1 : i;
      } catch (InvalidRangeException e) {
        return -1;
      }
    }
  }
}
