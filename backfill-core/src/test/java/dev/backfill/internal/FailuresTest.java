package dev.backfill.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.spi.FailureClassifier;
import dev.backfill.spi.FailureClassifier.Kind;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Core's own rules know the JDBC standard only; engine knowledge comes from classifiers. */
class FailuresTest {
  private final Failures standard = new Failures(List.of());

  @ParameterizedTest
  @ValueSource(strings = {"40001", "40P01", "08006", "08S01", "08001"})
  void retriesTransactionRollbackAndConnectionStates(String state) {
    assertThat(standard.retryable(new RuntimeException("wrapped", new SQLException("x", state)))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"23505", "22001", "42P01", "42000", "21000", "44000"})
  void neverRetriesDataConstraintOrSyntaxStates(String state) {
    assertThat(standard.retryable(new SQLException("x", state))).isFalse();
  }

  @Test
  void theStandardStateWinsOverATransientExceptionClass() {
    assertThat(standard.retryable(new SQLTransientConnectionException("constraint", "23000"))).isFalse();
    assertThat(standard.retryable(new SQLTransientConnectionException("connection reset", "08006"))).isTrue();
    // A pool timeout carries no state: the class counts.
    assertThat(standard.retryable(new SQLTransientConnectionException("pool - Connection is not available"))).isTrue();
  }

  @Test
  void ioTimeoutsAreTransientAndBugsAreNot() {
    assertThat(standard.retryable(new UncheckedIOException(new SocketTimeoutException("read timed out")))).isTrue();
    assertThat(standard.retryable(new SQLIntegrityConstraintViolationException("dup", "23000"))).isFalse();
    assertThat(standard.retryable(new IllegalStateException("bug"))).isFalse();
  }

  @Test
  void engineStatesAreUnknownToCoreAlone() {
    assertThat(standard.retryable(new SQLException("terminating connection", "57P01"))).isFalse();
    assertThat(standard.retryable(new SQLException("Lock wait timeout", "HY000", 1205))).isFalse();
  }

  @Test
  void aClassifierTeachesCoreAnEngineAndItsPermanentAnswerWins() {
    FailureClassifier engine = t -> t instanceof SQLException e
        ? "57P01".equals(e.getSQLState()) ? Kind.TRANSIENT : e.getErrorCode() == 7 ? Kind.PERMANENT : Kind.UNKNOWN
        : Kind.UNKNOWN;
    FailureClassifier optimist = t -> Kind.TRANSIENT;
    Failures withEngine = new Failures(List.of(engine));
    assertThat(withEngine.retryable(new RuntimeException(new SQLException("terminating connection", "57P01")))).isTrue();
    assertThat(new Failures(List.of(optimist, engine)).retryable(new SQLException("bad", "08006", 7))).isFalse();
    assertThat(withEngine.classify(new SQLException("x", "40001"))).isEqualTo(Kind.CONFLICT);
  }

  @Test
  void aLoopInTheCauseChainEnds() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);
    assertThat(standard.retryable(a)).isFalse();
  }
}
