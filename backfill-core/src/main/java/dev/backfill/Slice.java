package dev.backfill;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The unit of work of a run: one partition, or several consecutive partitions when the plan's
 * {@code batchSize} is above one. A slice is read, written, checked and committed as a whole.
 *
 * <p>Its {@link #tokens()} are those of its partition; for a batch, {@code start_*} come from the
 * first partition, {@code end_*} from the last, {@code hours} is their sum and
 * {@code partition_key} is {@code first..last}. The time dimension's own token (e.g. {@code day}) is
 * only defined for single-partition slices, because one value cannot stand for a batch: use
 * {@code start_date} and {@code end_date} instead.
 */
public final class Slice {
  private final int index;
  private final String key;
  private final List<Partition> partitions;
  private final @Nullable TimeWindow window;
  private final Tokens tokens;

  private Slice(int index, String key, List<Partition> partitions, @Nullable TimeWindow window, Tokens tokens) {
    this.index = index;
    this.key = key;
    this.partitions = partitions;
    this.window = window;
    this.tokens = tokens;
  }

  /**
   * Creates a slice of consecutive partitions with their built-in tokens.
   *
   * @param index position of the slice in its plan's execution order
   * @param partitions one or more consecutive partitions
   * @return the slice
   */
  public static Slice of(int index, List<Partition> partitions) {
    if (partitions.isEmpty()) {
      throw new IllegalArgumentException("a slice needs at least one partition");
    }
    Partition first = partitions.get(0);
    if (partitions.size() == 1) {
      return new Slice(index, first.key().value(), List.of(first), first.window().orElse(null), first.tokens());
    }
    Partition last = partitions.get(partitions.size() - 1);
    String key = keyOf(first.key(), last.key());
    TimeWindow window = first.window().map(w -> w.spanTo(last.window().orElseThrow())).orElse(null);
    Map<String, Object> values = new java.util.LinkedHashMap<>();
    if (window != null) {
      Partition.putWindowTokens(values, window);
    }
    values.put(Tokens.PARTITION_KEY, key);
    for (Map.Entry<String, Object> dim : first.dimensions().entrySet()) {
      if (partitions.stream().allMatch(p -> dim.getValue().equals(p.dimensions().get(dim.getKey())))) {
        values.put(dim.getKey(), dim.getValue());
      }
    }
    return new Slice(index, key, List.copyOf(partitions), window, Tokens.of(values));
  }

  /**
   * Returns the key of a slice running from one partition to another.
   *
   * @param first first partition key
   * @param last last partition key
   * @return {@code first} when equal, otherwise {@code first..last}
   */
  public static String keyOf(PartitionKey first, PartitionKey last) {
    return first.equals(last) ? first.value() : first.value() + ".." + last.value();
  }

  /**
   * Returns a copy with more tokens (user tokens).
   *
   * @param more token values by name
   * @return the slice with the tokens added
   */
  public Slice withTokens(Map<String, ?> more) {
    return new Slice(index, key, partitions, window, tokens.with(more));
  }

  /**
   * Returns the position of the slice in its plan's execution order.
   *
   * @return zero-based index
   */
  public int index() {
    return index;
  }

  /**
   * Returns the slice key: the partition key, or {@code first..last} for a batch.
   *
   * @return the key
   */
  public String key() {
    return key;
  }

  /**
   * Returns the partitions of the slice, in partition order.
   *
   * @return one or more partitions
   */
  public List<Partition> partitions() {
    return partitions;
  }

  /**
   * Returns the first partition.
   *
   * @return first partition
   */
  public Partition first() {
    return partitions.get(0);
  }

  /**
   * Returns the last partition.
   *
   * @return last partition
   */
  public Partition last() {
    return partitions.get(partitions.size() - 1);
  }

  /**
   * Returns the window spanning all partitions of the slice.
   *
   * @return the window, for time partitionings
   */
  public Optional<TimeWindow> window() {
    return Optional.ofNullable(window);
  }

  /**
   * Returns the tokens of the slice, including user tokens.
   *
   * @return tokens
   */
  public Tokens tokens() {
    return tokens;
  }

  /**
   * Returns the first and last value of a dimension over the slice's partitions, for destinations
   * that delete a slice's rows before rewriting them ({@code col = first} when both are equal,
   * {@code col BETWEEN first AND last} otherwise).
   *
   * @param dimension dimension name
   * @return the span of typed values ({@link java.time.LocalDate} for days, text for static keys)
   * @throws IllegalArgumentException if the partitioning has no such dimension
   */
  public Span span(String dimension) {
    Object first = first().dimensions().get(dimension);
    if (first == null) {
      throw new IllegalArgumentException("no dimension '" + dimension + "' in slice " + key + "; dimensions are "
          + first().dimensions().keySet());
    }
    return new Span(first, last().dimensions().get(dimension));
  }

  /**
   * First and last value of a dimension over a slice.
   *
   * @param first value in the first partition
   * @param last value in the last partition
   */
  public record Span(Object first, Object last) {
    /**
     * Tells whether the slice has one value of the dimension.
     *
     * @return true when first equals last
     */
    public boolean single() {
      return first.equals(last);
    }

    /**
     * Tells whether a value lies within the span (inclusive), comparing as the partition values do.
     *
     * @param value a value of the dimension's type
     * @return true when {@code first <= value <= last}
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public boolean contains(Object value) {
      if (value == null) {
        return false;
      }
      if (single()) {
        return first.equals(value);
      }
      if (!(value instanceof Comparable c) || !first.getClass().isInstance(value)) {
        return false;
      }
      return c.compareTo(first) >= 0 && c.compareTo(last) <= 0;
    }
  }

  @Override
  public String toString() {
    return "slice #" + index + " " + key;
  }
}
