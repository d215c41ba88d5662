package dev.backfill.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.RetryPolicy;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engines' failures as a user's retry policy sees them once backfill-jdbc is on the classpath:
 * the dialects' classifier is found through ServiceLoader by core's default transient rule.
 */
class JdbcFailureClassifierTest {
  private final Predicate<Throwable> transientByDefault = RetryPolicy.defaults().transientFailure();

  @ParameterizedTest
  @ValueSource(strings = {"57014", "57P01", "57P02", "57P03", "53300", "55P03", "HYT00"})
  void engineStatesOfTimeoutsEndedSessionsAndLockWaitsAreRetried(String state) {
    assertThat(transientByDefault.test(new RuntimeException("wrapped", new SQLException("x", state)))).isTrue();
  }

  @Test
  void mariaDbDeadlockAndLockWaitCodesAreRetried() {
    assertThat(transientByDefault.test(new SQLException("Deadlock found", "HY000", 1213))).isTrue();
    assertThat(transientByDefault.test(new SQLException("Lock wait timeout exceeded", "HY000", 1205))).isTrue();
    assertThat(transientByDefault.test(new SQLException("Concurrent update", "HY000", 90131))).isTrue();
  }

  @Test
  void mariaDbsCatchAllTransientConnectionClassIsJudgedByItsState() {
    // Connector/J 3 uses this class for every state it does not map, e.g. disk full (53100) or XX000.
    assertThat(transientByDefault.test(new SQLTransientConnectionException("Disk full", "53100", 1021))).isFalse();
    assertThat(transientByDefault.test(new SQLTransientConnectionException("internal error", "XX000"))).isFalse();
    assertThat(transientByDefault.test(new SQLTransientConnectionException("raised by trigger", "45000"))).isFalse();
    assertThat(transientByDefault.test(new SQLTransientConnectionException("deadlock", "40001", 1213))).isTrue();
    assertThat(transientByDefault.test(new SQLTransientConnectionException("connection reset", "08006"))).isTrue();
    // A pool timeout carries no state: the class counts.
    assertThat(transientByDefault.test(new SQLTransientConnectionException("pool - Connection is not available"))).isTrue();
  }

  @Test
  void aFailedBatchIsJudgedByTheExceptionsChainedToIt() {
    BatchUpdateException batch = new BatchUpdateException("Batch entry 0 was aborted", null, new int[0]);
    batch.setNextException(new SQLException("terminating connection due to administrator command", "57P01"));
    assertThat(transientByDefault.test(batch)).isTrue();
  }
}
