package dev.backfill.jdbc.internal;

import dev.backfill.BackfillException;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.spi.FailureClassifier;
import dev.backfill.spi.Redaction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the state store's transactions: one connection, auto-commit off, commit or roll back, and a
 * Resilience4j retry of the whole transaction when the engine rolled it back for a deadlock, a
 * serialization failure or a lock timeout (PostgreSQL 55P03, MariaDB 1205), or the connection was lost. Work joined to another transaction (a slice writer's) runs
 * once and is neither committed nor retried here.
 */
public final class StoreTx {
  private static final Logger log = LoggerFactory.getLogger(StoreTx.class);

  private final DataSource dataSource;
  private final Dialect dialect;
  private final Retry retry;

  /** Work inside a transaction. */
  @FunctionalInterface
  public interface Work<R> {
    /**
     * Does the work.
     *
     * @param c the transaction's connection
     * @return a result
     * @throws SQLException on failure
     */
    R apply(Connection c) throws SQLException;
  }

  /**
   * Creates the runner.
   *
   * @param dataSource the store's data source
   * @param dialect its engine
   * @param name a name for the retry (metrics, logs)
   */
  public StoreTx(DataSource dataSource, Dialect dialect, String name) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.retry = Retry.of(name, RetryConfig.custom()
        .maxAttempts(6)
        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(20), 2.0, 0.5))
        .retryOnException(this::retryable)
        .build());
    retry.getEventPublisher().onRetry(e -> log.debug("state store transaction retried (attempt {}): {}",
        e.getNumberOfRetryAttempts(), e.getLastThrowable() == null ? "" : Redaction.describe(e.getLastThrowable())));
  }

  /**
   * The connection broke (SQL state class 08, a recoverable exception, the engine says the session
   * ended) or none could be had in time: the whole transaction runs again on another connection. The
   * store's transactions are written to be repeatable after a commit whose answer was lost.
   */
  private boolean connectionLost(SQLException e) {
    String state = e.getSQLState();
    if (state != null && state.startsWith("08")) {
      return true;
    }
    FailureClassifier.Kind kind = dialect.classify(e);
    if (kind == FailureClassifier.Kind.PERMANENT) {
      return false;
    }
    return kind == FailureClassifier.Kind.TRANSIENT || e instanceof SQLRecoverableException
        || (e instanceof SQLTransientConnectionException && state == null);
  }

  private boolean retryable(Throwable t) {
    for (Throwable e = t; e != null; e = e.getCause()) {
      if (e instanceof SQLException sql) {
        for (SQLException s = sql; s != null; s = s.getNextException()) {
          if (dialect.isRetryable(s) || connectionLost(s)) {
            return true;
          }
        }
      }
      if (e.getCause() == e) {
        break;
      }
    }
    return false;
  }

  /**
   * Runs work in its own transaction, retried on deadlocks and serialization failures.
   *
   * @param what what the work does, for the error message ("claim a slice of run r-1")
   * @param work the work
   * @param <R> result type
   * @return the result
   * @throws BackfillException wrapping a database failure
   */
  public <R> R run(String what, Work<R> work) {
    Callable<R> once = () -> {
      try (Connection c = dataSource.getConnection()) {
        boolean autoCommit = c.getAutoCommit();
        // reading the isolation level is a round trip on PostgreSQL: only where beginWrite changes it
        int isolation = dialect.beginWriteChangesIsolation() ? c.getTransactionIsolation() : -1;
        // The dialect's read-write transaction: READ COMMITTED on MariaDB, whose REPEATABLE READ keeps
        // a lock on every row a claim's scan examined, so concurrent SKIP LOCKED claims skip each
        // other's candidates and deadlock on gap locks.
        dialect.beginWrite(c);
        try {
          return commitAfter(c, work, autoCommit);
        } finally {
          restore(c, autoCommit, isolation);
        }
      }
    };
    return call(what, Retry.decorateCallable(retry, once));
  }

  /**
   * Runs work that is one statement (a read, or one conditional update) in auto-commit, with the
   * retries of {@link #run}: no isolation or auto-commit switch, no separate commit, so one round trip
   * where a transaction costs three to seven. A connection the pool hands out with auto-commit off is
   * committed after the work (or rolled back), as {@link #run} would.
   *
   * @param what what the work does, for the error message
   * @param work the work: one statement, or statements each correct on its own
   * @param <R> result type
   * @return the result
   * @throws BackfillException wrapping a database failure
   */
  public <R> R single(String what, Work<R> work) {
    Callable<R> once = () -> {
      try (Connection c = dataSource.getConnection()) {
        return c.getAutoCommit() ? work.apply(c) : commitAfter(c, work, false);
      }
    };
    return call(what, Retry.decorateCallable(retry, once));
  }

  /**
   * Runs the work on a connection in a transaction, commits it, or rolls it back if the work fails;
   * {@code autoCommitAfter} tells the dialect that auto-commit comes back right after.
   */
  private <R> R commitAfter(Connection c, Work<R> work, boolean autoCommitAfter) throws SQLException {
    try {
      R result = work.apply(c);
      dialect.commitWrite(c, autoCommitAfter);
      return result;
    } catch (SQLException | RuntimeException | Error e) {
      rollback(c);
      throw e;
    }
  }

  /**
   * Runs work with retries on a connection of its own without a transaction (DDL, migrations).
   *
   * @param what what the work does
   * @param attempts attempts on any SQL failure
   * @param work the work
   * @param <R> result type
   * @return the result
   */
  public <R> R withConnection(String what, int attempts, Work<R> work) {
    Retry any = Retry.of(retry.getName() + "-ddl", RetryConfig.custom()
        .maxAttempts(attempts)
        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(50), 2.0, 0.5))
        .retryExceptions(SQLException.class)
        .build());
    Callable<R> once = () -> {
      try (Connection c = dataSource.getConnection()) {
        return work.apply(c);
      }
    };
    return call(what, Retry.decorateCallable(any, once));
  }

  /**
   * Runs work on a connection owned by someone else, inside its transaction or (an end alone, see
   * {@link UnstartedWrite}) in auto-commit: no transaction of its own, no commit, no retry.
   *
   * @param what what the work does
   * @param c the other transaction's connection
   * @param work the work
   * @param <R> result type
   * @return the result
   */
  public <R> R join(String what, Connection c, Work<R> work) {
    return call(what, () -> work.apply(c));
  }

  private static <R> R call(String what, Callable<R> callable) {
    try {
      return callable.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (SQLException e) {
      throw new BackfillException("state store could not " + what + ": " + describe(e), e);
    } catch (Exception e) {
      throw new BackfillException("state store could not " + what + ": " + e, e);
    }
  }

  private static String describe(SQLException e) {
    return (e.getSQLState() == null ? "" : "[" + e.getSQLState() + "] ") + e.getMessage();
  }

  /**
   * Puts the connection's settings back for the pool. On a connection the server ended this fails too,
   * and must not replace the failure that ended the transaction (which tells the retry what happened);
   * the pool discards such a connection anyway.
   */
  private static void restore(Connection c, boolean autoCommit, int isolation) {
    try {
      if (isolation != -1 && c.getTransactionIsolation() != isolation) {
        c.setTransactionIsolation(isolation);
      }
      c.setAutoCommit(autoCommit);
    } catch (SQLException e) {
      log.debug("could not restore the connection's settings: {}", Redaction.describe(e));
    }
  }

  private static void rollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      log.debug("rollback failed: {}", Redaction.describe(e));
    }
  }
}
