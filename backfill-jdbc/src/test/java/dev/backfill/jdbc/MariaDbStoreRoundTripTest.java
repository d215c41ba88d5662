package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.Row;
import dev.backfill.SliceStatus;
import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
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

  /**
   * An empty slice's end alone is one transaction of its own: when its last insert fails, its update
   * and its attempt roll back with it, and the slice may end again.
   */
  @Test
  void anEndAloneThatFailsHalfwayLeavesNothingAndMayEndAgain() throws Exception {
    db.exec("CREATE TABLE rt_probe (id INT)");
    db.exec("CREATE TRIGGER rt_fail BEFORE INSERT ON rt_partitions FOR EACH ROW"
        + " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected failure recording the partitions'");
    String id = newRun(1);
    SliceLease lease = store.claim(id, "w", Duration.ofMinutes(1), 1).get(0);
    JdbcDestination destination = JdbcDestination.table(counter.dataSource(), "rt_probe");
    SliceWriter<Row> empty = destination.open(sliceAt(0), WriteStrategy.append(), context(id, 0));
    assertThatThrownBy(() -> store.complete(lease, succeeded(0), empty))
        .hasMessageContaining("injected failure recording the partitions");
    empty.abort();
    assertThat(store.slices(id).get(0).status()).isEqualTo(SliceStatus.RUNNING);
    assertThat(store.attempts(id)).isEmpty();
    assertThat(db.count("SELECT COUNT(*) FROM rt_partitions")).isZero();

    db.exec("DROP TRIGGER rt_fail");
    SliceWriter<Row> again = destination.open(sliceAt(0), WriteStrategy.append(), context(id, 0));
    store.complete(lease, succeeded(0), again);
    again.commit();
    assertThat(store.slices(id).get(0).status()).isEqualTo(SliceStatus.SUCCEEDED);
    assertThat(store.attempts(id)).hasSize(1);
    assertThat(db.count("SELECT COUNT(*) FROM rt_partitions")).isOne();
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
