package dev.backfill.spi;

import dev.backfill.Partition;
import dev.backfill.Slice;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the records of one slice from upstream, using the slice's tokens (dates, timestamps,
 * dimension values) to select them.
 *
 * <p>Guarantees expected of implementations: {@link #read} streams (it pushes records to the sink as
 * it reads them and never holds a whole slice in memory unless the source is in memory anyway); it
 * is deterministic for a given slice, so that re-running a slice produces the same records; it is
 * safe to call for several slices concurrently.
 *
 * <pre>{@code
 * SourceNode<Row> source = (slice, ctx, sink) -> {
 *   for (Row r : api.fetch(slice.tokens().get("start_date"))) {
 *     sink.accept(r);
 *   }
 * };
 * }</pre>
 *
 * @param <T> record type
 */
@FunctionalInterface
public interface SourceNode<T> {

  /**
   * Reads a slice, pushing each record to the sink.
   *
   * @param slice the slice, with its tokens
   * @param context run-time context (cancellation, deadline, attempt)
   * @param sink receives the records
   * @throws Exception on failure; transient failures (SQL state 40001, connection loss, timeouts) are retried
   */
  void read(Slice slice, SliceContext context, RecordSink<? super T> sink) throws Exception;

  /**
   * Tells whether upstream data for a partition still exists, so a plan can stop before it runs
   * over purged partitions.
   *
   * @param partition a planned partition
   * @return availability; {@link Availability#AVAILABLE} by default
   * @throws Exception when the probe fails
   */
  default Availability availability(Partition partition) throws Exception {
    return Availability.AVAILABLE;
  }

  /**
   * Estimates the size of a partition for the plan's cost projection.
   *
   * @param partition a planned partition
   * @return the estimate, or empty when unknown (the plan then says "unknown")
   * @throws Exception when the estimate query fails
   */
  default Optional<Estimate> estimate(Partition partition) throws Exception {
    return Optional.empty();
  }

  /**
   * Tells, before anything runs, which columns the source produces for a slice, so that a destination
   * can check them against its table (names and types) when planning. Unknown by default.
   *
   * @param sample a slice of the range about to be planned, with its tokens
   * @return column name to {@code java.sql.Types} constant, in order, or empty when unknown
   * @throws Exception when the source cannot be asked
   */
  default Optional<java.util.Map<String, Integer>> columns(Slice sample) throws Exception {
    return Optional.empty();
  }

  /**
   * Checks, before anything runs, that every token this source refers to is defined.
   *
   * @param tokens the token names every slice of the plan defines
   * @throws dev.backfill.UnknownTokenException naming the unknown token and the known ones
   */
  default void validate(Set<String> tokens) {}

  /**
   * Returns a short description for plans and logs; must not contain secrets.
   *
   * @return description
   */
  default String describe() {
    return getClass().getSimpleName();
  }
}
