package dev.backfill;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What one tick of an {@link IncrementalSchedule} did: the partitions it planned (new ones and the
 * lookback re-runs, in order) and the report of their run, or why it ran nothing.
 *
 * @param at when the tick started, on the backfill's clock
 * @param partitions keys of the planned partitions, oldest first; empty when nothing ran
 * @param run the run's report, or null when nothing ran
 * @param message what the tick did, or why it ran nothing
 */
public record TickReport(Instant at, List<String> partitions, @Nullable RunReport run, String message) {

  /**
   * Validates the report.
   *
   * @param at tick time
   * @param partitions planned keys
   * @param run run report or null
   * @param message summary
   */
  public TickReport {
    requireNonNull(at, "at");
    partitions = List.copyOf(partitions);
    requireNonNull(message, "message");
  }

  /**
   * Returns the run's report.
   *
   * @return the report, if the tick ran something
   */
  public Optional<RunReport> report() {
    return Optional.ofNullable(run);
  }

  /**
   * Tells whether the tick ran nothing or its run succeeded.
   *
   * @return false only when the tick's run did not succeed
   */
  public boolean succeeded() {
    return run == null || run.status() == RunStatus.SUCCEEDED;
  }
}
