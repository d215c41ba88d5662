package dev.backfill.testkit;

import static java.util.Objects.requireNonNull;

import dev.backfill.spi.SourceNode;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * How often each partition's reads fail transiently before they succeed, for properties such as
 * "with any schedule of transient failures the result equals an undisturbed run". Generate with
 * {@link BackfillArbitraries#failureSchedules}, apply with {@link #applyTo}; the run's retry policy
 * needs more attempts than {@link #maxFailures()} for every slice to succeed.
 *
 * @param failures partition key to number of failing reads (partitions absent or 0 never fail)
 */
public record FailureSchedule(Map<String, Integer> failures) {

  /**
   * Validates the schedule.
   *
   * @param failures failing reads per partition key, each {@code >= 0}
   */
  public FailureSchedule {
    Map<String, Integer> copy = new TreeMap<>();
    failures.forEach((k, n) -> {
      if (n < 0) {
        throw new IllegalArgumentException("failures of " + k + " must be >= 0, got " + n);
      }
      if (n > 0) {
        copy.put(k, n);
      }
    });
    failures = Map.copyOf(copy);
  }

  /**
   * A schedule without failures.
   *
   * @return the empty schedule
   */
  public static FailureSchedule none() {
    return new FailureSchedule(Map.of());
  }

  /**
   * Wraps a source so that reads of each scheduled partition fail that many times with a deadlock
   * (SQL state {@code 40P01}, transient), then succeed.
   *
   * @param source the source
   * @param <T> record type
   * @return the faulty source
   */
  public <T> FaultySource<T> applyTo(SourceNode<T> source) {
    return applyTo(source, Failures::deadlock);
  }

  /**
   * Wraps a source so that reads of each scheduled partition fail that many times with an exception.
   *
   * @param source the source
   * @param failure the exception to throw
   * @param <T> record type
   * @return the faulty source
   */
  public <T> FaultySource<T> applyTo(SourceNode<T> source, Supplier<? extends SQLException> failure) {
    requireNonNull(failure, "failure");
    FaultySource<T> faulty = Faults.source(source);
    failures.forEach((key, n) -> faulty.failPartition(key, n, failure));
    return faulty;
  }

  /**
   * Returns the most failures of any partition.
   *
   * @return the maximum, 0 when empty
   */
  public int maxFailures() {
    return failures.values().stream().mapToInt(Integer::intValue).max().orElse(0);
  }

  /**
   * Returns the total number of failures.
   *
   * @return the sum
   */
  public int total() {
    return failures.values().stream().mapToInt(Integer::intValue).sum();
  }
}
