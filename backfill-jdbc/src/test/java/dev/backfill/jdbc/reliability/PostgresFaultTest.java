package dev.backfill.jdbc.reliability;

import com.zaxxer.hikari.HikariConfig;
import dev.backfill.jdbc.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

class PostgresFaultTest extends AbstractFaultTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }

  @Override
  String writerSession(Connection admin, String table) throws SQLException {
    try (PreparedStatement ps = admin.prepareStatement("SELECT DISTINCT l.pid FROM pg_locks l"
        + " JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE n.nspname = ? AND c.relname = ? AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()")) {
      ps.setString(1, db.name());
      ps.setString(2, table);
      return single(ps);
    }
  }

  @Override
  boolean sessionExists(Connection admin, String session) throws SQLException {
    try (PreparedStatement ps = admin.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ?")) {
      ps.setInt(1, Integer.parseInt(session));
      return !single(ps).equals("0");
    }
  }

  @Override
  void terminate(Connection admin, String session) throws SQLException {
    try (Statement s = admin.createStatement()) {
      s.execute("SELECT pg_terminate_backend(" + Integer.parseInt(session) + ")");
    }
  }

  @Override
  String session(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_backend_pid()")) {
      return single(ps);
    }
  }

  @Override
  boolean waitsForLock(Connection admin, String session) throws SQLException {
    try (PreparedStatement ps = admin.prepareStatement("SELECT count(*) FROM pg_stat_activity"
        + " WHERE pid = ? AND wait_event_type = 'Lock'")) {
      ps.setInt(1, Integer.parseInt(session));
      return !single(ps).equals("0");
    }
  }

  @Override
  boolean blocksOthers(Connection admin, String session) throws SQLException {
    try (PreparedStatement ps = admin.prepareStatement("SELECT count(*) FROM pg_stat_activity"
        + " WHERE ? = ANY(pg_blocking_pids(pid))")) {
      ps.setInt(1, Integer.parseInt(session));
      return !single(ps).equals("0");
    }
  }

  @Override
  void makeDeadlockSurvivor(Connection peer) throws SQLException {
    try (Statement s = peer.createStatement()) {
      // The slice's session checks after the default 1 s, long before the peer would.
      s.execute("SET LOCAL deadlock_timeout = '60s'");
    }
  }

  @Override
  void statementTimeout(HikariConfig config, Duration timeout) {
    config.setConnectionInitSql("SET statement_timeout = " + timeout.toMillis());
  }

  @Override
  List<String> triggerOnDay(String table, String name, String body) {
    return List.of("CREATE FUNCTION " + name + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            + " IF NEW.day = DATE '" + D + "' THEN " + body + "; END IF; RETURN NEW; END $$",
        "CREATE TRIGGER " + name + " BEFORE INSERT ON " + table + " FOR EACH ROW EXECUTE FUNCTION " + name + "()");
  }

  @Override
  String dropTrigger(String table, String name) {
    return "DROP TRIGGER " + name + " ON " + table;
  }

  @Override
  String sleepSql(Duration d) {
    return "PERFORM pg_sleep(" + d.toSeconds() + ")";
  }

  @Override
  String diskFullSql() {
    return "RAISE EXCEPTION 'could not extend file \"base/16384/16385\": No space left on device' USING ERRCODE = 'disk_full'";
  }

  @Override
  String[] droppedConnectionErrors() {
    // The server's notice when a statement sees it; a COPY that finds the socket closed says 08006.
    return new String[] {"terminating connection due to administrator command", "PSQLException[08006]"};
  }

  @Override
  String deadlockError() {
    return "[40P01]";
  }

  @Override
  String timeoutError() {
    return "[57014]";
  }
}
