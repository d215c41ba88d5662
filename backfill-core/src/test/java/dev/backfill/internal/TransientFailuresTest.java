package dev.backfill.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TransientFailuresTest {

  @ParameterizedTest
  @ValueSource(strings = {"40001", "40P01", "08006", "08S01", "57014", "HYT00", "57P01", "57P02", "57P03", "53300"})
  void retriesSerializationDeadlockConnectionAndTimeoutStates(String state) {
    assertThat(TransientFailures.isTransient(new RuntimeException("wrapped", new SQLException("x", state)))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"23505", "22001", "42P01", "42000", "45000"})
  void neverRetriesDataConstraintSyntaxOrUserRaisedStates(String state) {
    assertThat(TransientFailures.isTransient(new SQLException("x", state))).isFalse();
  }

  @Test
  void sqlStateWinsOverTheExceptionClassADriverChose() {
    // MariaDB Connector/J reports a trigger's SIGNAL SQLSTATE '45000' as a transient connection exception.
    assertThat(TransientFailures.isTransient(new SQLTransientConnectionException("raised by trigger", "45000"))).isFalse();
    assertThat(TransientFailures.isTransient(new SQLTransientConnectionException("connection reset", "08006"))).isTrue();
  }

  @Test
  void aTransientConnectionExceptionWithAStateThatIsNoConnectionStateIsJudgedByItsState() {
    // MariaDB Connector/J's class for every state it does not know, e.g. a disk-full error signalled as 53100.
    assertThat(TransientFailures.isTransient(new SQLTransientConnectionException("Disk full", "53100", 1021))).isFalse();
    assertThat(TransientFailures.isTransient(new SQLTransientConnectionException("internal error", "XX000"))).isFalse();
    assertThat(TransientFailures.isTransient(new SQLTransientConnectionException("canceled", "57014"))).isTrue();
    assertThat(TransientFailures.isTransient(new SQLTransientConnectionException("deadlock", "40001", 1213))).isTrue();
    assertThat(TransientFailures.isTransient(new SQLTransientConnectionException("too many connections", "53300"))).isTrue();
    // A pool timeout carries no state: the class still counts.
    assertThat(TransientFailures.isTransient(new SQLTransientConnectionException("pool - Connection is not available"))).isTrue();
  }

  @Test
  void vendorDeadlockCodesAndIoTimeoutsAreTransient() {
    assertThat(TransientFailures.isTransient(new SQLException("Deadlock found", "HY000", 1213))).isTrue();
    assertThat(TransientFailures.isTransient(new UncheckedIOException(new SocketTimeoutException("read timed out")))).isTrue();
    assertThat(TransientFailures.isTransient(new SQLIntegrityConstraintViolationException("dup", "23000"))).isFalse();
    assertThat(TransientFailures.isTransient(new IllegalStateException("bug"))).isFalse();
  }
}
