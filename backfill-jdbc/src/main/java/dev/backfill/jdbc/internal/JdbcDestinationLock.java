package dev.backfill.jdbc.internal;

import dev.backfill.BackfillException;
import dev.backfill.DestinationLock;
import dev.backfill.DestinationLockedException;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.spi.Redaction;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * A destination's lock on a database: the engine's named lock (PostgreSQL advisory lock, MariaDB
 * {@code GET_LOCK}, an H2 lock row) held by a connection of its own for as long as it is held, so it
 * ends with the holder's session if the holder dies.
 */
public final class JdbcDestinationLock implements DestinationLock {
  private static final long POLL_MILLIS = 100;

  private final DataSource dataSource;
  private final DialectHolder dialect;
  private final TableName table;
  private volatile String name;

  /**
   * Creates the lock.
   *
   * @param dataSource the destination's data source
   * @param dialect its dialect
   * @param table the table the lock is named after
   */
  public JdbcDestinationLock(DataSource dataSource, DialectHolder dialect, TableName table) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.table = table;
    this.name = lockName(table.schema());
  }

  @Override
  public Held acquire(Duration timeout) {
    Dialect d = dialect.get();
    long deadline = System.nanoTime() + timeout.toNanos();
    Connection c;
    try {
      c = dataSource.getConnection();
    } catch (SQLException e) {
      throw new BackfillException("cannot take " + describe() + ": " + Redaction.describe(e), e);
    }
    String name;
    try {
      // a table is named in its schema (the connection's current one when the name has none), so tables
      // of one name in two schemas of a database never share a lock
      String schema = table.schema() != null ? table.schema() : c.getSchema() != null ? c.getSchema() : c.getCatalog();
      name = lockName(schema);
      this.name = name;
      while (!d.tryLock(c, name)) {
        if (System.nanoTime() > deadline) {
          c.close();
          throw new DestinationLockedException(describe() + " is held by another writer (the host's incremental load,"
              + " a CDC consumer or another backfill) and stayed held for " + timeout + "; nothing was written. Wait"
              + " for it, or give the run longer with ExecutionOptions.builder().waitForDestinationLock(...)");
        }
        Thread.sleep(POLL_MILLIS);
      }
    } catch (SQLException e) {
      closeQuietly(c);
      throw new BackfillException("cannot take " + describe() + ": " + Redaction.describe(e), e);
    } catch (InterruptedException e) {
      closeQuietly(c);
      Thread.currentThread().interrupt();
      throw new BackfillException("interrupted while waiting for " + describe(), e);
    }
    return new Held() {
      private boolean released;

      @Override
      public synchronized void close() {
        if (released) {
          return;
        }
        released = true;
        try {
          d.unlock(c, name);
        } catch (SQLException e) {
          // closing the connection below ends the session, and its lock with it
        } finally {
          closeQuietly(c);
        }
      }
    };
  }

  private String lockName(@org.jspecify.annotations.Nullable String schema) {
    return ("backfill:" + (schema == null ? "" : schema + ".") + table.table()).toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public String describe() {
    return dialect.get().lockKind() + " '" + name + "'";
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // nothing more to release
    }
  }
}
