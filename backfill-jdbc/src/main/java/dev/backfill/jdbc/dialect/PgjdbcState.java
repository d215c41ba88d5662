package dev.backfill.jdbc.dialect;

import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * What the PostgreSQL JDBC driver knows about a connection's transaction without asking the server.
 * Only this class and {@link PostgresCopy} refer to the driver, so the dialect works without it.
 */
final class PgjdbcState {
  private PgjdbcState() {}

  /**
   * Tells whether the connection is pgjdbc's and its transaction has not started on the server.
   *
   * @param c a connection (a pool's proxy is unwrapped)
   * @return true when pgjdbc reports the transaction idle
   * @throws SQLException if the connection is closed
   */
  static boolean idle(Connection c) throws SQLException {
    return c.isWrapperFor(BaseConnection.class)
        && c.unwrap(BaseConnection.class).getTransactionState() == TransactionState.IDLE;
  }
}
