package dev.backfill.jdbc.reliability;

import dev.backfill.jdbc.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

class MariaDbStoreRetryTest extends AbstractStoreRetryTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }

  @Override
  String session(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT CONNECTION_ID()")) {
      return AbstractFaultTest.single(ps);
    }
  }

  @Override
  void terminate(Connection admin, String session) throws SQLException {
    try (Statement s = admin.createStatement()) {
      s.execute("KILL CONNECTION " + Long.parseLong(session));
    }
  }

  @Override
  boolean sessionExists(Connection admin, String session) throws SQLException {
    try (PreparedStatement ps = admin.prepareStatement("SELECT count(*) FROM information_schema.PROCESSLIST WHERE ID = ?")) {
      ps.setLong(1, Long.parseLong(session));
      return !AbstractFaultTest.single(ps).equals("0");
    }
  }

  @Override
  String shortLockTimeoutSql() {
    return "SET SESSION innodb_lock_wait_timeout = 1";
  }

  @Override
  String lockTimeoutError() {
    return "Lock wait timeout exceeded";
  }
}
