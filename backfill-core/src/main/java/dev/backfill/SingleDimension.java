package dev.backfill;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A partitioning with one dimension whose partitions are numbered by a {@code long} ordinal, so that
 * ranges can be enumerated and indexed by arithmetic instead of lists.
 */
abstract sealed class SingleDimension implements Partitioning
    permits CalendarPartitioning, StaticKeyPartitioning {

  private static final Pattern DIMENSION_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Set<String> RESERVED = Set.of(Tokens.START_DATE, Tokens.END_DATE,
      Tokens.START_TS, Tokens.END_TS, Tokens.HOURS, Tokens.PARTITION_KEY);

  /** {@link #firstOrdinal()} of a partitioning without a configured first partition. */
  static final long NO_START = Long.MIN_VALUE;

  final String name;

  SingleDimension(String name) {
    this.name = validName(name);
  }

  static String validName(String name) {
    if (name == null || !DIMENSION_NAME.matcher(name).matches()) {
      throw new InvalidConfigurationException("dimension name '" + name
          + "' is not valid; expected a lower-case identifier such as region ([a-z_][a-z0-9_]*)");
    }
    if (RESERVED.contains(name)) {
      throw new InvalidConfigurationException("dimension name '" + name
          + "' clashes with a built-in token; choose another name than " + RESERVED);
    }
    return name;
  }

  /** Parses a key to its ordinal; {@code label} says which value it is ("start", "end", ...). */
  abstract long ordinalOf(String text, String label);

  abstract String keyAt(long ordinal);

  abstract @Nullable TimeWindow windowAt(long ordinal);

  abstract Object valueAt(long ordinal);

  /** A valid key, for examples in error messages. */
  abstract String exampleKey();

  /** Human description of the canonical key form, used in error messages. */
  abstract String expectedForm();

  /** The ordinal of the configured first partition ({@link Partitioning#startingAt}), or {@link #NO_START}. */
  long firstOrdinal() {
    return NO_START;
  }

  /** Hook to reject ranges the ordinal arithmetic cannot represent. */
  void checkRange(long first, long last, PartitionRange range) {}

  /** Compares keys in partition order; used to say "start is after end". */
  String orderDescription() {
    return "";
  }

  Partition partitionAt(long ordinal) {
    return new Partition(new PartitionKey(keyAt(ordinal)), windowAt(ordinal), Map.of(name, valueAt(ordinal)));
  }

  /** The ordinal of a key, or {@link Long#MIN_VALUE} when the text is not a valid key. */
  long ordinalOrInvalid(String text) {
    try {
      return ordinalOf(text, "key");
    } catch (InvalidRangeException e) {
      return Long.MIN_VALUE;
    }
  }

  @Override
  public Partition partition(String key) {
    long ordinal = ordinalOf(key, "partition key");
    if (ordinal < firstOrdinal()) {
      throw new InvalidPartitionKeyException("partition key '" + key + "' is before the first partition "
          + keyAt(firstOrdinal()) + " of " + describe() + "; expected " + keyAt(firstOrdinal()) + " or later");
    }
    return partitionAt(ordinal);
  }

  @Override
  public PartitionSequence enumerate(PartitionRange range) {
    long first = ordinalOf(range.start(), "start");
    long last = ordinalOf(range.end(), "end");
    if (first < firstOrdinal()) {
      throw new InvalidRangeException("start '" + range.start() + "' is before the first partition "
          + keyAt(firstOrdinal()) + " of " + describe() + "; expected a start on or after " + keyAt(firstOrdinal()));
    }
    if (first > last) {
      throw new InvalidRangeException("start '" + range.start() + "' is after end '" + range.end()
          + "'" + orderDescription() + "; expected start <= end");
    }
    checkRange(first, last, range);
    return new OrdinalSequence(this, first, last);
  }

  @Override
  public List<String> dimensions() {
    return List.of(name);
  }

  @Override
  public Map<String, List<String>> staticKeys() {
    return this instanceof StaticKeyPartitioning k ? Map.of(name, k.keys) : Map.of();
  }

  @Override
  public Set<String> tokenNames() {
    Set<String> names = new LinkedHashSet<>();
    if (isTimeBased()) {
      names.addAll(List.of(Tokens.START_DATE, Tokens.END_DATE, Tokens.START_TS, Tokens.END_TS, Tokens.HOURS));
    }
    names.add(Tokens.PARTITION_KEY);
    names.add(name);
    return names;
  }

  /** A contiguous run of ordinals of one dimension. */
  static final class OrdinalSequence implements PartitionSequence {
    final SingleDimension dimension;
    final long first;
    final long last;

    OrdinalSequence(SingleDimension dimension, long first, long last) {
      this.dimension = dimension;
      this.first = first;
      this.last = last;
    }

    @Override
    public long size() {
      return last - first + 1;
    }

    @Override
    public Partition get(long index) {
      return dimension.partitionAt(ordinal(index));
    }

    @Override
    public PartitionKey keyAt(long index) {
      return new PartitionKey(dimension.keyAt(ordinal(index)));
    }

    long ordinal(long index) {
      if (index < 0 || index >= size()) {
        throw new IndexOutOfBoundsException("index " + index + " outside 0.." + (size() - 1));
      }
      return first + index;
    }

    @Override
    public long indexOf(PartitionKey key) {
      long ordinal = dimension.ordinalOrInvalid(key.value());
      if (ordinal == Long.MIN_VALUE || ordinal < first || ordinal > last) {
        return -1;
      }
      return ordinal - first;
    }
  }
}
