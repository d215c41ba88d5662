package dev.backfill.spi;

import static java.util.Objects.requireNonNull;

import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.Slice;
import dev.backfill.WriteStrategy;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a destination learns in {@link DestinationNode#preflight}: the backfill's configuration, the
 * range about to be planned or run, a sample slice (the range's first partition, with every token),
 * the columns the source produces when it can tell, and the concurrency the run is planned with.
 *
 * @param target the target name
 * @param strategy the write strategy
 * @param partitioning the target's partitioning
 * @param range the range being planned, or the range of the plan about to run
 * @param sample the range's first partition as a slice, with built-in and user tokens (to describe a
 *     query, say)
 * @param sourceColumns the source's columns and their {@code java.sql.Types}, in order, when the source
 *     knows them ({@link SourceNode#columns}); null otherwise
 * @param concurrency slices expected at once (the plan's or the execution's)
 */
public record PreflightContext(String target, WriteStrategy strategy, Partitioning partitioning, PartitionRange range,
    Slice sample, @Nullable Map<String, Integer> sourceColumns, int concurrency) {
  /**
   * Validates the context.
   *
   * @param target the target name
   * @param strategy the write strategy
   * @param partitioning the partitioning
   * @param range the range
   * @param sample the sample slice
   * @param sourceColumns the source's columns, or null
   * @param concurrency expected concurrency
   */
  public PreflightContext {
    requireNonNull(target, "target");
    requireNonNull(strategy, "strategy");
    requireNonNull(partitioning, "partitioning");
    requireNonNull(range, "range");
    requireNonNull(sample, "sample");
    sourceColumns = sourceColumns == null ? null : java.util.Collections.unmodifiableMap(
        new java.util.LinkedHashMap<>(sourceColumns));
  }

  /**
   * Creates a context with only the configuration and range (a sample of the range's first
   * partition, source columns unknown, concurrency 1).
   *
   * @param target the target name
   * @param strategy the write strategy
   * @param partitioning the partitioning
   * @param range the range
   */
  public PreflightContext(String target, WriteStrategy strategy, Partitioning partitioning, PartitionRange range) {
    this(target, strategy, partitioning, range, Slice.of(0, java.util.List.of(partitioning.enumerate(range).get(0))),
        null, 1);
  }

  /**
   * Returns the source's columns, when known.
   *
   * @return column name to {@code java.sql.Types}, in the source's order
   */
  public Optional<Map<String, Integer>> knownSourceColumns() {
    return Optional.ofNullable(sourceColumns);
  }
}
