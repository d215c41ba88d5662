package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.jdbc.dialect.Dialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * MariaDB: no UPDATE ... RETURNING; READ COMMITTED asked for each transaction, the session left alone;
 * a claim and a slice's end are one compound statement each.
 */
class MariaDbStoreRoundTripTest extends AbstractStoreRoundTripTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }

  @Override
  int claimOfFourCalls() {
    // one compound statement: its own READ COMMITTED transaction locks the candidates, takes them in one
    // update, commits and returns them (seven calls before)
    return 1;
  }

  @Override
  int renewalCalls() {
    return 2; // the conditional update and the read of the new lease end, in auto-commit
  }

  @Override
  int joinedEndStatements() {
    // one compound statement: the slice's update (lease and target checked), then its attempt and its
    // partitions only when the update applied
    return 1;
  }

  @Override
  boolean unstartedEndCommitsAlone() {
    return true; // the compound statement then begins and commits its own transaction
  }

  @Test
  void aWriteTransactionIsReadCommittedAndTheSessionKeepsItsLevel() throws Exception {
    Dialect dialect = Dialect.detect(db.dataSource());
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE iso_probe (id INT PRIMARY KEY)");
      s.execute("INSERT INTO iso_probe VALUES (1)");
      c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE); // whatever the pool hands out
      dialect.beginWrite(c);
      try (ResultSet rs = s.executeQuery("SELECT id FROM iso_probe WHERE id = 1 FOR UPDATE")) {
        assertThat(rs.next()).isTrue();
      }
      try (ResultSet rs = s.executeQuery("SELECT trx_isolation_level FROM information_schema.INNODB_TRX"
          + " WHERE trx_mysql_thread_id = CONNECTION_ID()")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("READ COMMITTED");
      }
      c.commit();
      c.setAutoCommit(true);
      try (ResultSet rs = s.executeQuery("SELECT @@tx_isolation")) {
        rs.next();
        assertThat(rs.getString(1)).as("the session's own level").isEqualTo("SERIALIZABLE");
      }
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    }
  }
}
