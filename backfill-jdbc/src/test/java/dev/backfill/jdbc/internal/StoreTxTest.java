package dev.backfill.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.BackfillException;
import dev.backfill.jdbc.dialect.H2Dialect;
import dev.backfill.jdbc.dialect.MariaDbDialect;
import dev.backfill.jdbc.dialect.PostgresDialect;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

class StoreTxTest {
  private final JdbcDataSource h2 = new JdbcDataSource();

  StoreTxTest() {
    h2.setURL("jdbc:h2:mem:storetx");
  }

  @Test
  void retriesTheWholeTransactionAfterADeadlockOrSerializationFailure() {
    StoreTx tx = new StoreTx(h2, new H2Dialect(), "test");
    AtomicInteger attempts = new AtomicInteger();
    String result = tx.run("claim a slice", c -> {
      if (attempts.incrementAndGet() < 3) {
        throw new SQLException("deadlock detected", attempts.get() == 1 ? "40P01" : "40001");
      }
      return "claimed";
    });
    assertThat(result).isEqualTo("claimed");
    assertThat(attempts).hasValue(3);
  }

  @Test
  void doesNotRetryOtherFailuresAndSaysWhatFailed() {
    StoreTx tx = new StoreTx(h2, new H2Dialect(), "test");
    AtomicInteger attempts = new AtomicInteger();
    assertThatThrownBy(() -> tx.run("claim a slice of run r-1", c -> {
      attempts.incrementAndGet();
      throw new SQLException("relation does not exist", "42P01");
    })).isInstanceOf(BackfillException.class)
        .hasMessage("state store could not claim a slice of run r-1: [42P01] relation does not exist");
    assertThat(attempts).hasValue(1);
  }

  /**
   * A slice's end run on a writer's connection (joined, or alone in auto-commit) that fails because the
   * connection ended reports that failure, named by what it was doing.
   */
  @Test
  void aStatementAloneOnAConnectionThatEndedReportsWhyItFailed() throws SQLException {
    StoreTx tx = new StoreTx(h2, new H2Dialect(), "test");
    java.sql.Connection writer = h2.getConnection();
    assertThatThrownBy(() -> tx.join("record the SUCCEEDED of slice 3 of run r-1", writer, c -> {
      c.close(); // the session ended under the statement
      throw new SQLException("An I/O error occurred while sending to the backend", "08006");
    })).isInstanceOf(BackfillException.class).hasMessage("state store could not record the SUCCEEDED of slice 3"
        + " of run r-1: [08006] An I/O error occurred while sending to the backend");
  }

  @Test
  void eachDialectKnowsItsRetryableFailures() {
    assertThat(new PostgresDialect().isRetryable(new SQLException("x", "40P01"))).isTrue();
    assertThat(new MariaDbDialect().isRetryable(new SQLException("Deadlock found", "40001", 1213))).isTrue();
    assertThat(new MariaDbDialect().isRetryable(new SQLException("Lock wait timeout exceeded", "HY000", 1205))).isTrue();
    assertThat(new H2Dialect().isRetryable(new SQLException("Timeout trying to lock table", "HYT00", 50200))).isTrue();
    assertThat(new PostgresDialect().isRetryable(new SQLException("syntax", "42601"))).isFalse();
  }
}
