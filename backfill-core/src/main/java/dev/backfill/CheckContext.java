package dev.backfill;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a {@link SliceCheck} can look at: the slice, the writer's {@link SliceStats}, the rows the
 * same partitions had when they last succeeded, and the writer's transactional resources (a
 * {@code java.sql.Connection} for JDBC destinations) so that SQL checks run inside the slice's
 * uncommitted transaction.
 */
public interface CheckContext {

  /**
   * Returns the slice being checked.
   *
   * @return the slice
   */
  Slice slice();

  /**
   * Returns what the writer measured.
   *
   * @return stats of the uncommitted slice
   */
  SliceStats stats();

  /**
   * Returns the rows the slice's partitions had at their last success, for checks relative to history.
   *
   * @return previous rows, empty when any partition has no recorded success
   */
  OptionalLong previousRows();

  /**
   * Returns a resource of the writer's open transaction, such as {@code java.sql.Connection}.
   *
   * @param type the resource type
   * @param <R> the resource type
   * @return the resource, when the writer has one of that type
   */
  <R> Optional<R> resource(Class<R> type);
}
