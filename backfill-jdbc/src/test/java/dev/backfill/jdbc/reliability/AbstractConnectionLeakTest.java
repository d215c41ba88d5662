package dev.backfill.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunGuard;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.SliceStatus;
import dev.backfill.jdbc.JdbcDestination;
import dev.backfill.jdbc.JdbcStateStore;
import dev.backfill.spi.SliceAttempt;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A slice whose overwrite DELETE fails at its start returns its connection (issue 14, item 10): the
 * table or the partition column is dropped after the plan was checked (a permanent failure: one
 * attempt per slice), or another transaction holds the partition's rows past the session's lock
 * timeout (retried: three attempts). The backfill runs on a HikariCP pool of 7 shared by the
 * destination and the state store; once the run ended the pool has no connection in use.
 */
abstract class AbstractConnectionLeakTest extends EngineFixture {
  private static final PartitionRange FIVE_DAYS = PartitionRange.of("2024-01-01", "2024-01-05");
  private static final int ATTEMPTS = 3;
  private HikariDataSource pool;
  private JdbcStateStore runStore;

  /** A statement that gives a session a short lock timeout (a second at most). */
  abstract String shortLockTimeoutSql();

  /** What the engine says when a lock timeout ends a statement. */
  abstract String lockTimeoutError();

  @AfterEach
  void closePool() {
    if (pool != null) {
      pool.close();
    }
  }

  @Test
  void aTableDroppedAfterTheCheckLeaksNoConnection() throws Exception {
    RunReport report = runWhileTheTableChanges(null, "DROP TABLE " + db.q("orders"));

    assertThat(report.status()).as(report.summary()).isEqualTo(RunStatus.FAILED);
    assertThat(report.message()).isNotBlank();
    // a missing table or column is permanent: one attempt per slice, each returning its connection
    assertThat(failedAttempts(report)).as("failed attempts").hasSize(5);
    assertNoConnectionInUse();
  }

  @Test
  void aPartitionColumnDroppedAfterTheCheckLeaksNoConnection() throws Exception {
    RunReport report = runWhileTheTableChanges(null, "ALTER TABLE " + db.q("orders") + " DROP COLUMN " + db.q("day"));

    assertThat(report.status()).as(report.summary()).isEqualTo(RunStatus.FAILED);
    assertThat(report.message()).isNotBlank();
    // a missing table or column is permanent: one attempt per slice, each returning its connection
    assertThat(failedAttempts(report)).as("failed attempts").hasSize(5);
    assertNoConnectionInUse();
  }

  /** Another transaction holds the rows of 2024-01-03 for the whole run; every attempt's DELETE times out. */
  @Test
  void aDeleteThatTimesOutOnAnotherTransactionsLockLeaksNoConnection() throws Exception {
    RunReport report;
    try (Connection peer = db.dataSource().getConnection()) {
      new DailyTarget(db.dataSource(), "orders", DailyTarget.Kind.OVERWRITE, 3).create();
      peer.setAutoCommit(false);
      try (Statement s = peer.createStatement()) {
        s.executeUpdate("UPDATE " + db.q("orders") + " SET amount = amount + 1 WHERE " + db.q("day") + " = DATE '2024-01-03'");
      }
      report = runWhileTheTableChanges(shortLockTimeoutSql(), null);
      peer.rollback();
    }

    assertThat(report.status()).as(report.summary()).isEqualTo(RunStatus.FAILED);
    List<SliceAttempt> locked = failedAttempts(report).stream().filter(a -> a.key().equals("2024-01-03")).toList();
    assertThat(locked).as("attempts of the locked day").hasSize(ATTEMPTS)
        .allSatisfy(a -> assertThat(a.error()).contains(lockTimeoutError()));
    assertNoConnectionInUse();
  }

  /**
   * Runs an overwrite of five days on a pool of 7 (with an optional statement each connection runs
   * first); {@code change}, when given, is made by a guard after the plan and execute's checks, just
   * before the first slice.
   */
  private RunReport runWhileTheTableChanges(@Nullable String initSql, @Nullable String change) throws Exception {
    HikariConfig config = new HikariConfig();
    config.setPoolName("leak-" + db.name());
    config.setJdbcUrl(db.jdbcUrl());
    config.setUsername(db.user());
    config.setPassword("");
    config.setMaximumPoolSize(7);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(20_000);
    if (initSql != null) {
      config.setConnectionInitSql(initSql);
    }
    pool = new HikariDataSource(config);
    DailyTarget target = new DailyTarget(pool, "orders", DailyTarget.Kind.OVERWRITE, 3);
    if (change != null) {
      target.create();
    }
    JdbcStateStore shared = JdbcStateStore.create(pool);
    RunGuard changer = new RunGuard() {
      @Override
      public void beforeRun(GuardedRun run) {
        if (change != null) {
          db.exec(change);
        }
      }

      @Override
      public void afterRun(GuardedRun run, RunStatus status) {}
    };
    Backfill<Row> backfill = Backfill.builder("orders").partitioning(DailyTarget.DAILY)
        .source(new GeneratedSource("v2", 3, 0)).destination(JdbcDestination.table(pool, "orders"))
        .strategy(DailyTarget.Kind.OVERWRITE.strategy()).guard(changer).stateStore(shared).logicVersion("v2").build();
    BackfillPlan plan = backfill.plan(FIVE_DAYS);
    RunReport report = backfill.execute(plan, ExecutionOptions.builder().maxConcurrency(2)
        .retry(RetryPolicy.exponential(ATTEMPTS, Duration.ofMillis(10))).build()).await(Duration.ofSeconds(120));
    runStore = shared;
    System.out.printf("LEAK %s %s: run %s; pool of 7: %d active, %d idle; %s%n", engine(),
        change != null ? change : "lock held by another transaction", report.status(),
        pool.getHikariPoolMXBean().getActiveConnections(), pool.getHikariPoolMXBean().getIdleConnections(),
        report.summary().replace('\n', ' '));
    return report;
  }

  private List<SliceAttempt> failedAttempts(RunReport report) {
    return runStore.attempts(report.runId()).stream().filter(a -> a.status() == SliceStatus.FAILED).toList();
  }

  /** A connection still in use a few seconds after the run ended was never returned. */
  private void assertNoConnectionInUse() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (pool.getHikariPoolMXBean().getActiveConnections() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(pool.getHikariPoolMXBean().getActiveConnections()).as("connections of the pool of 7 still in use")
        .isZero();
  }
}
