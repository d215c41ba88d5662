package dev.backfill;

import java.time.Duration;

/**
 * A lock on a destination that a backfill and the host's other writers of the same table share, so
 * that they never write it at the same time: a run holds its destination's lock from its start to its
 * end, and an incremental load or CDC consumer that takes the same lock waits for the backfill (and a
 * backfill waits for them). JDBC destinations offer one: a PostgreSQL advisory lock, a MariaDB
 * {@code GET_LOCK}, a lock table on H2, all keyed by the table's name.
 *
 * <pre>{@code
 * // in the host's incremental load of mart.daily_revenue:
 * DestinationLock lock = JdbcDestination.table(ds, "mart.daily_revenue").destinationLock();
 * try (DestinationLock.Held held = lock.acquire(Duration.ofMinutes(10))) {
 *   loadTodaysRows();                        // never interleaved with a backfill's slices or swap
 * }
 * }</pre>
 */
public interface DestinationLock {

  /**
   * Waits until the lock is free and takes it.
   *
   * @param timeout longest wait
   * @return the held lock; close it to release
   * @throws DestinationLockedException when it stays taken for the whole timeout
   * @throws BackfillException when the database cannot be reached
   */
  Held acquire(Duration timeout);

  /**
   * Names the lock for messages.
   *
   * @return e.g. {@code PostgreSQL advisory lock 'backfill:mart.daily_revenue'}
   */
  String describe();

  /** A held lock. */
  interface Held extends AutoCloseable {
    /** Releases the lock; idempotent. */
    @Override
    void close();
  }
}
