package dev.backfill.jdbc.internal;

import dev.backfill.spi.SliceCancelledException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knows which statement of a slice is executing, so that another thread can cancel it
 * ({@link Statement#cancel()} is the one JDBC call meant to be made from another thread), and refuses
 * to start statements once cancelled.
 */
public final class StatementTracker {
  private static final Logger log = LoggerFactory.getLogger(StatementTracker.class);

  private final String what;
  private volatile @Nullable Statement running;
  private volatile boolean cancelled;

  /**
   * Creates a tracker.
   *
   * @param what what the statements do, for messages (e.g. "slice 2024-01-01")
   */
  public StatementTracker(String what) {
    this.what = what;
  }

  /**
   * Runs a query.
   *
   * @param ps the statement
   * @return its result
   * @throws SQLException on failure
   */
  public ResultSet query(PreparedStatement ps) throws SQLException {
    start(ps);
    try {
      return ps.executeQuery();
    } finally {
      running = null;
    }
  }

  /**
   * Runs an update.
   *
   * @param ps the statement
   * @return the update count
   * @throws SQLException on failure
   */
  public long update(PreparedStatement ps) throws SQLException {
    start(ps);
    try {
      return ps.executeLargeUpdate();
    } finally {
      running = null;
    }
  }

  /**
   * Runs a batch.
   *
   * @param ps the statement with added batches
   * @throws SQLException on failure
   */
  public void batch(PreparedStatement ps) throws SQLException {
    start(ps);
    try {
      ps.executeBatch();
    } finally {
      running = null;
    }
  }

  /**
   * Fails if {@link #cancel()} was called; for work that is not a {@link Statement} (such as a COPY).
   *
   * @throws SliceCancelledException once cancelled
   */
  public void ensureNotCancelled() {
    if (cancelled) {
      throw new SliceCancelledException(what + " was aborted");
    }
  }

  private void start(Statement s) {
    if (cancelled) {
      throw new SliceCancelledException(what + " was aborted");
    }
    running = s;
  }

  /**
   * Tells whether {@link #cancel()} was called.
   *
   * @return true once cancelled
   */
  public boolean isCancelled() {
    return cancelled;
  }

  /** Cancels the running statement, if any, and every later one. Safe from any thread. */
  public void cancel() {
    cancelled = true;
    Statement s = running;
    if (s != null) {
      try {
        s.cancel();
      } catch (SQLException | RuntimeException e) {
        log.debug("cancelling a statement of {} failed: {}", what, e.toString());
      }
    }
  }
}
