package dev.backfill.jdbc.reliability;

import dev.backfill.jdbc.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

class PostgresStoreRetryTest extends AbstractStoreRetryTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }

  @Override
  String session(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_backend_pid()")) {
      return AbstractFaultTest.single(ps);
    }
  }

  @Override
  void terminate(Connection admin, String session) throws SQLException {
    try (PreparedStatement ps = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
      ps.setInt(1, Integer.parseInt(session));
      ps.executeQuery().close();
    }
  }

  @Override
  boolean sessionExists(Connection admin, String session) throws SQLException {
    try (PreparedStatement ps = admin.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ?")) {
      ps.setInt(1, Integer.parseInt(session));
      return !AbstractFaultTest.single(ps).equals("0");
    }
  }

  @Override
  String shortLockTimeoutSql() {
    return "SET lock_timeout = '300ms'";
  }

  @Override
  String lockTimeoutError() {
    return "lock timeout";
  }
}
