package dev.backfill;

import static java.util.Objects.requireNonNull;

/**
 * The canonical name of one partition, such as {@code 2024-03-01} (daily), {@code 2024-03-01T05}
 * (hourly), {@code 2024-03} (monthly), {@code eu} (static key) or {@code 2024-03-01|eu}
 * (multi-dimensional, dimensions joined by {@link #SEPARATOR}).
 *
 * <p>A key is only a name; it is validated against a {@link Partitioning} with
 * {@link Partitioning#parse(String)}. Keys of time partitionings sort chronologically as strings,
 * except the two keys of an hour repeated when clocks go back ({@code 2024-10-27T02+02:00},
 * {@code 2024-10-27T02+01:00}), which sort by offset text.
 *
 * @param value the canonical key text, never empty
 */
public record PartitionKey(String value) implements Comparable<PartitionKey> {

  /** Separator between the dimensions of a multi-dimensional key. */
  public static final char SEPARATOR = '|';

  /**
   * Creates a key.
   *
   * @param value the canonical key text, never empty
   * @throws InvalidPartitionKeyException if the value is empty
   */
  public PartitionKey {
    requireNonNull(value, "value");
    if (value.isEmpty()) {
      throw new InvalidPartitionKeyException("partition key is empty; expected a canonical key such as 2024-03-01");
    }
  }

  /**
   * Creates a key.
   *
   * @param value the canonical key text
   * @return the key
   */
  public static PartitionKey of(String value) {
    return new PartitionKey(value);
  }

  @Override
  public int compareTo(PartitionKey other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
