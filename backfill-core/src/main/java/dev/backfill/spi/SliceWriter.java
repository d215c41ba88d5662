package dev.backfill.spi;

import dev.backfill.SliceStats;
import java.util.List;

/**
 * Writes one slice into a destination, inside whatever makes the slice atomic there (a database
 * transaction, a staging file, a shadow table).
 *
 * <p>Contract: the executor calls {@link #write} zero or more times, reads {@link #stats()}, runs the
 * slice's checks, then calls exactly one of {@link #commit()} or {@link #abort()}. Until
 * {@code commit()} returns, nothing of the slice is visible to readers of the destination; after
 * {@code abort()} nothing of it ever is. A writer is used by one thread at a time, except
 * {@code abort()} which may be called from another thread to interrupt a running slice. When the
 * two race, exactly one wins: {@code abort()} after a successful {@code commit()} does nothing, and
 * {@code commit()} after {@code abort()} throws, so a cancelled slice is never reported as committed.
 *
 * @param <T> record type
 */
public interface SliceWriter<T> extends ResourceProvider {

  /**
   * Writes a batch of records.
   *
   * @param batch records in source order; the list must not be kept after the call
   * @throws Exception on failure; the slice is then aborted
   */
  void write(List<? extends T> batch) throws Exception;

  /**
   * Moves the slice inside the destination without records passing through the JVM, for pushdown
   * destinations ({@code INSERT ... SELECT}). Called instead of reading a source and writing batches.
   *
   * @throws Exception on failure; the slice is then aborted
   * @throws UnsupportedOperationException for destinations that are not pushdown destinations
   */
  default void transfer() throws Exception {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " is not a pushdown writer");
  }

  /**
   * Returns what was written so far: rows, nulls per column, custom metrics.
   *
   * @return stats of the uncommitted slice
   * @throws Exception when the stats must be queried and the query fails
   */
  SliceStats stats() throws Exception;

  /**
   * Makes the slice visible atomically.
   *
   * @throws Exception when the commit fails; the slice is then treated as not committed
   */
  void commit() throws Exception;

  /**
   * Discards everything written for the slice. Idempotent, never throws, callable from another thread.
   */
  void abort();
}
