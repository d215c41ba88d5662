package dev.backfill.testkit;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.function.Supplier;

/**
 * Exceptions to inject, each as real drivers throw them, so the executor's classification of
 * transient failures is exercised for real. Use them as suppliers: {@code Failures::deadlock}.
 */
public final class Failures {
  private Failures() {}

  /**
   * A lost connection: {@link SQLTransientConnectionException} with SQL state {@code 08006}; transient.
   *
   * @return the exception
   */
  public static SQLTransientConnectionException connectionLost() {
    return new SQLTransientConnectionException("connection reset by peer (injected)", "08006");
  }

  /**
   * A PostgreSQL deadlock: {@link SQLException} with SQL state {@code 40P01}; transient.
   *
   * @return the exception
   */
  public static SQLException deadlock() {
    return new SQLException("deadlock detected (injected)", "40P01");
  }

  /**
   * A serialization failure: {@link SQLException} with SQL state {@code 40001}; transient.
   *
   * @return the exception
   */
  public static SQLException serializationFailure() {
    return new SQLException("could not serialize access due to concurrent update (injected)", "40001");
  }

  /**
   * A permanent SQL error: {@link SQLException} with SQL state {@code 42P01} (undefined table); not
   * retried.
   *
   * @return the exception
   */
  public static SQLException undefinedTable() {
    return new SQLException("relation \"events\" does not exist (injected)", "42P01");
  }

  /**
   * A permanent failure of pipeline code: {@link IllegalStateException} with a message; not retried.
   *
   * @param message what went wrong
   * @return a supplier of the exception
   */
  public static Supplier<IllegalStateException> bug(String message) {
    return () -> new IllegalStateException(message + " (injected)");
  }
}
