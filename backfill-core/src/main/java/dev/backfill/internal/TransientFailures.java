package dev.backfill.internal;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * The default classification of failures worth retrying: serialization failures, deadlocks, lost
 * connections and timeouts, found anywhere in the cause chain. java.sql is part of the JDK, so
 * core knows these types without depending on a driver.
 */
public final class TransientFailures {
  private static final Set<String> SQL_STATES = Set.of("40001", "40P01", "57014", "HYT00", "HYT01",
      // PostgreSQL's too_many_connections: the server is full now, not for good.
      "53300",
      // PostgreSQL closing the session: pg_terminate_backend or a shutdown (admin_shutdown,
      // crash_shutdown), or a server starting up (cannot_connect_now). The connection is lost;
      // HikariCP evicts such connections for the same states.
      "57P01", "57P02", "57P03");
  /** MySQL/MariaDB vendor codes: deadlock found, lock wait timeout. */
  private static final Set<Integer> VENDOR_CODES = Set.of(1213, 1205);

  /** Classes of SQL state that no retry can fix: data, constraint, syntax/access and user-raised errors. */
  private static final Set<String> PERMANENT_CLASSES = Set.of("21", "22", "23", "42", "44", "45");

  private TransientFailures() {}

  /**
   * MariaDB Connector/J throws {@link SQLTransientConnectionException} for every SQL state it does
   * not map ({@code 53100} disk full, {@code XX000}, a trigger's {@code SIGNAL}), so that class says
   * nothing unless its state is a connection state or absent; the state then decides below.
   */
  private static boolean isFallbackClass(Throwable t) {
    if (!(t instanceof SQLTransientConnectionException sql)) {
      return false;
    }
    String state = sql.getSQLState();
    return state != null && !state.startsWith("08");
  }

  private static boolean isPermanentState(String state) {
    return state != null && state.length() == 5 && PERMANENT_CLASSES.contains(state.substring(0, 2));
  }

  /**
   * Tells whether a failure is transient.
   *
   * @param failure the failure
   * @return true when some exception in its cause chain is transient
   */
  public static boolean isTransient(Throwable failure) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 20; t = t.getCause(), depth++) {
      if (t instanceof SQLException sql && isPermanentState(sql.getSQLState())) {
        // The SQL state is more precise than the exception class some drivers choose (MariaDB
        // reports a trigger's SIGNAL 45000 as a transient connection exception).
        return false;
      }
      if ((t instanceof SQLTransientException && !isFallbackClass(t)) || t instanceof SQLRecoverableException
          || t instanceof SQLTimeoutException || t instanceof TimeoutException || t instanceof IOException
          || t instanceof SliceTimeoutException) {
        return true;
      }
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        if (state != null && (SQL_STATES.contains(state) || state.startsWith("08"))) {
          return true;
        }
        if (VENDOR_CODES.contains(sql.getErrorCode())) {
          return true;
        }
      }
    }
    return false;
  }
}
