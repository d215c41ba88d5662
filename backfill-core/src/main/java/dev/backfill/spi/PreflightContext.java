package dev.backfill.spi;

import static java.util.Objects.requireNonNull;

import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.WriteStrategy;

/**
 * What a destination learns in {@link DestinationNode#preflight}: the backfill's configuration and
 * the range about to be planned or run.
 *
 * @param target the target name
 * @param strategy the write strategy
 * @param partitioning the target's partitioning
 * @param range the range being planned, or the range of the plan about to run
 */
public record PreflightContext(String target, WriteStrategy strategy, Partitioning partitioning, PartitionRange range) {
  /**
   * Validates the context.
   *
   * @param target the target name
   * @param strategy the write strategy
   * @param partitioning the partitioning
   * @param range the range
   */
  public PreflightContext {
    requireNonNull(target, "target");
    requireNonNull(strategy, "strategy");
    requireNonNull(partitioning, "partitioning");
    requireNonNull(range, "range");
  }
}
