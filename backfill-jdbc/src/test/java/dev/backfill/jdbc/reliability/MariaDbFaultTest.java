package dev.backfill.jdbc.reliability;

import com.zaxxer.hikari.HikariConfig;
import dev.backfill.jdbc.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

class MariaDbFaultTest extends AbstractFaultTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }

  @Override
  String writerSession(Connection admin, String table) throws SQLException {
    try (PreparedStatement ps = admin.prepareStatement("SELECT t.trx_mysql_thread_id FROM information_schema.INNODB_TRX t"
        + " JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id"
        + " WHERE p.DB = ? AND t.trx_rows_modified > 0 AND p.ID <> CONNECTION_ID()")) {
      ps.setString(1, db.name());
      return single(ps);
    }
  }

  @Override
  boolean sessionExists(Connection admin, String session) throws SQLException {
    try (PreparedStatement ps = admin.prepareStatement("SELECT count(*) FROM information_schema.PROCESSLIST WHERE ID = ?")) {
      ps.setLong(1, Long.parseLong(session));
      return !single(ps).equals("0");
    }
  }

  @Override
  void terminate(Connection admin, String session) throws SQLException {
    try (Statement s = admin.createStatement()) {
      s.execute("KILL CONNECTION " + Long.parseLong(session));
    }
  }

  @Override
  String session(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT CONNECTION_ID()")) {
      return single(ps);
    }
  }

  // information_schema.INNODB_TRX misses transactions waiting for a row lock on this server
  // (MariaDB 10.11), so waits are read from the engine's status report.
  @Override
  boolean waitsForLock(Connection admin, String session) throws SQLException {
    return lockWaits(admin).stream().anyMatch(t -> t.contains("MariaDB thread id " + session + ","));
  }

  @Override
  boolean blocksOthers(Connection admin, String session) throws SQLException {
    return lockWaits(admin).stream().anyMatch(t -> !t.contains("MariaDB thread id " + session + ","));
  }

  /** The transactions of this test's database that wait for a lock, as the InnoDB status describes them. */
  private List<String> lockWaits(Connection admin) throws SQLException {
    try (Statement st = admin.createStatement(); ResultSet rs = st.executeQuery("SHOW ENGINE INNODB STATUS")) {
      rs.next();
      String status = rs.getString("Status");
      return java.util.Arrays.stream(status.split("---TRANSACTION "))
          .filter(t -> t.contains("LOCK WAIT") && t.contains("of table `" + db.name() + "`")).toList();
    }
  }

  @Override
  void makeDeadlockSurvivor(Connection peer) throws SQLException {
    try (Statement s = peer.createStatement()) {
      // InnoDB rolls back the transaction that changed fewer rows: the slice has changed two.
      s.executeUpdate("UPDATE ballast SET v = v + 1");
    }
  }

  @Override
  void statementTimeout(HikariConfig config, Duration timeout) {
    config.setConnectionInitSql("SET SESSION max_statement_time = " + timeout.toMillis() / 1000.0);
  }

  @Override
  List<String> triggerOnDay(String table, String name, String body) {
    return List.of("CREATE TRIGGER " + name + " BEFORE INSERT ON " + table + " FOR EACH ROW BEGIN"
        + " IF NEW.day = '" + D + "' THEN " + body + "; END IF; END");
  }

  @Override
  String dropTrigger(String table, String name) {
    return "DROP TRIGGER " + name;
  }

  @Override
  String sleepSql(Duration d) {
    return "DO SLEEP(" + d.toSeconds() + ")";
  }

  @Override
  String diskFullSql() {
    return "SIGNAL SQLSTATE '53100' SET MESSAGE_TEXT = 'Disk full (./diskfull.ibd); waiting for someone to free some"
        + " space', MYSQL_ERRNO = 1021";
  }

  @Override
  String[] droppedConnectionErrors() {
    return new String[] {"[08"};
  }

  @Override
  String deadlockError() {
    return "Deadlock found";
  }

  @Override
  String timeoutError() {
    return "max_statement_time exceeded";
  }
}
