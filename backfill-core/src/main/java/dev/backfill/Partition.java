package dev.backfill;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One bounded part of a target: its {@link PartitionKey}, its time window (for time partitionings)
 * and the typed value of each dimension.
 *
 * <p>Partitions are values made by a {@link Partitioning}; two partitions are equal when their keys,
 * windows and dimension values are.
 *
 * <pre>{@code
 * Partition p = Partitioning.daily(ZoneId.of("Europe/Berlin")).partition("2024-03-31");
 * p.window().orElseThrow().hours();      // 23
 * p.tokens().get("start_date");          // LocalDate 2024-03-31
 * }</pre>
 */
public final class Partition {
  private final PartitionKey key;
  private final @Nullable TimeWindow window;
  private final Map<String, Object> dimensions;

  /**
   * Creates a partition. Normally called by a {@link Partitioning}.
   *
   * @param key canonical key
   * @param window time window, or null for partitions without time
   * @param dimensions typed value of each dimension, in dimension order
   */
  public Partition(PartitionKey key, @Nullable TimeWindow window, Map<String, ?> dimensions) {
    this.key = requireNonNull(key, "key");
    this.window = window;
    this.dimensions = Collections.unmodifiableMap(new LinkedHashMap<>(dimensions));
  }

  /**
   * Returns the canonical key.
   *
   * @return the key
   */
  public PartitionKey key() {
    return key;
  }

  /**
   * Returns the half-open time window, present for time partitionings and multi partitionings
   * with a time dimension.
   *
   * @return the window, if the partition has one
   */
  public Optional<TimeWindow> window() {
    return Optional.ofNullable(window);
  }

  /**
   * Returns the typed value of each dimension, by dimension name.
   *
   * @return dimension values in dimension order
   */
  public Map<String, Object> dimensions() {
    return dimensions;
  }

  /**
   * Returns the built-in tokens of this partition (see {@link Tokens}).
   *
   * @return tokens
   */
  public Tokens tokens() {
    Map<String, Object> values = new LinkedHashMap<>();
    if (window != null) {
      putWindowTokens(values, window);
    }
    values.put(Tokens.PARTITION_KEY, key.value());
    values.putAll(dimensions);
    return Tokens.of(values);
  }

  static void putWindowTokens(Map<String, Object> values, TimeWindow window) {
    values.put(Tokens.START_DATE, window.startDate());
    values.put(Tokens.END_DATE, window.endDate());
    values.put(Tokens.START_TS, window.startOffsetDateTime());
    values.put(Tokens.END_TS, window.endOffsetDateTime());
    values.put(Tokens.HOURS, window.hours());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Partition p
        && key.equals(p.key)
        && java.util.Objects.equals(window, p.window)
        && dimensions.equals(p.dimensions);
  }

  @Override
  public int hashCode() {
    return key.hashCode();
  }

  @Override
  public String toString() {
    return window == null ? key.value() : key.value() + " " + window;
  }
}
