package dev.backfill;

import static java.util.Objects.requireNonNull;

/**
 * Inclusive bounds of a backfill, as canonical keys: {@code 2024-03-01}..{@code 2024-03-31} for a
 * daily target, {@code 2024-03-01T00}..{@code 2024-03-01T23} for an hourly one, {@code eu}..{@code us}
 * for static keys and {@code 2024-03-01|eu}..{@code 2024-03-31|us} for day × region.
 *
 * <p>A range is validated against a {@link Partitioning} when it is enumerated or planned: a bound
 * that does not parse, a misaligned bound ({@code 2024-03-01T05} for a daily target) or a start
 * after the end fail with an {@link InvalidRangeException} naming the value and the expected form.
 *
 * <pre>{@code
 * PartitionRange march = PartitionRange.of("2024-03-01", "2024-03-31");
 * }</pre>
 *
 * @param start first partition key, inclusive
 * @param end last partition key, inclusive
 */
public record PartitionRange(String start, String end) {

  /**
   * Creates a range.
   *
   * @param start first key, inclusive
   * @param end last key, inclusive
   */
  public PartitionRange {
    requireNonNull(start, "start");
    requireNonNull(end, "end");
  }

  /**
   * Creates a range.
   *
   * @param start first key, inclusive
   * @param end last key, inclusive
   * @return the range
   */
  public static PartitionRange of(String start, String end) {
    return new PartitionRange(start, end);
  }

  /**
   * Creates a range of one partition.
   *
   * @param key the only key
   * @return the range
   */
  public static PartitionRange single(String key) {
    return new PartitionRange(key, key);
  }

  @Override
  public String toString() {
    return start + ".." + end;
  }
}
