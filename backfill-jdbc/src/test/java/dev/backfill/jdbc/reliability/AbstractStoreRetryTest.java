package dev.backfill.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.backfill.Backfill;
import dev.backfill.ExecutionOptions;
import dev.backfill.Guarantee;
import dev.backfill.PartitionRange;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.SliceStatus;
import dev.backfill.jdbc.JdbcStateStore;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SliceAttempt;
import dev.backfill.spi.SliceRecord;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The JDBC state store retries its own transactions (issue 14, item 9): when the server ends the
 * store's session in the middle of a run, and when a lock held by another transaction outlasts the
 * session's lock timeout (PostgreSQL 55P03, MariaDB 1205).
 */
abstract class AbstractStoreRetryTest extends EngineFixture {
  private static final PartitionRange EIGHT_DAYS = PartitionRange.of("2024-01-01", "2024-01-08");
  private static final int KILLS = 3;

  /** This connection's session id. */
  abstract String session(Connection c) throws SQLException;

  /** Ends another session from the server side. */
  abstract void terminate(Connection admin, String session) throws SQLException;

  /** Whether a session is still connected. */
  abstract boolean sessionExists(Connection admin, String session) throws SQLException;

  /** A statement that gives a session a short lock timeout (a second at most). */
  abstract String shortLockTimeoutSql();

  /** What the engine says when a lock timeout ends a statement. */
  abstract String lockTimeoutError();

  /**
   * The state store has a pool of its own. Once the run is under way (a slice of its third day is
   * being read), each of the next three connections the pool hands to the store has its session ended
   * by the server first ({@code pg_terminate_backend}, {@code KILL CONNECTION}), as a failover or a
   * DBA would: the store's transaction fails on a dead connection, is retried on another, and the run
   * ends SUCCEEDED with every day written once.
   */
  @Test
  void theStoresSessionsEndedMidRunAreRetriedAndTheRunEndsRight() throws Exception {
    DailyTarget target = new DailyTarget(db.dataSource(), "orders", DailyTarget.Kind.OVERWRITE, 3);
    target.create();
    HikariDataSource pool = db.newPool(null);
    KillingDataSource killing = new KillingDataSource(pool, db.dataSource());
    JdbcStateStore separate = JdbcStateStore.create(killing);
    Backfill<Row> backfill = target.backfill(new GeneratedSource("v2", 3, 20, (slice, attempt, row) -> {
      if (slice.key().equals("2024-01-03") && attempt == 1 && row == 0) {
        killing.arm(KILLS);
      }
    }), separate);
    try (LogCapture logs = LogCapture.attach()) {
      RunReport report = backfill.execute(backfill.plan(EIGHT_DAYS), ExecutionOptions.builder().maxConcurrency(2)
          .retry(RetryPolicy.exponential(3, Duration.ofMillis(20))).build()).await(Duration.ofSeconds(90));

      assertThat(killing.killed()).as("store sessions ended by the server during the run").hasSize(KILLS);
      assertThat(logs.containing("state store transaction retried")).as("the store's retries").isNotEmpty();
      assertThat(report.status()).as(report.summary()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(separate.run(report.runId()).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(separate.slices(report.runId())).extracting(SliceRecord::status).containsOnly(SliceStatus.SUCCEEDED);
      assertThat(separate.attempts(report.runId()).stream().filter(a -> a.status() == SliceStatus.SUCCEEDED)
          .map(SliceAttempt::index).toList()).as("successful attempts, one per slice").doesNotHaveDuplicates().hasSize(8);
      for (LocalDate d = LocalDate.parse("2024-01-01"); !d.isAfter(LocalDate.parse("2024-01-08")); d = d.plusDays(1)) {
        assertThat(target.linesByDay().get(d)).as("day %s", d).isEqualTo(target.expectedAfter(d, "v2"));
      }
      System.out.printf("STORE %s: %d store sessions ended mid-run (%s), %d store retries, run %s%n", engine(), KILLS,
          killing.killed(), logs.containing("state store transaction retried").size(), report.status());
    }
  }

  /**
   * Another transaction holds the run's row while the store, whose sessions wait at most a second for
   * a lock, updates it: the lock timeout rolls the store's transaction back, the store tries again,
   * and once the other transaction ends the update is there.
   */
  @Test
  void aLockTimeoutInTheStoresTransactionIsRetried() throws Exception {
    HikariDataSource impatient = db.newPool(shortLockTimeoutSql());
    JdbcStateStore timed = JdbcStateStore.create(impatient);
    String runId = "locked";
    timed.createRun(new RunRecord(runId, "orders", RunStatus.RUNNING, "v1", Guarantee.EXACTLY_ONCE, "{}", 1,
        Instant.now(), null, ""), List.of(SliceRecord.pending(runId, 0, "2024-01-01", List.of("2024-01-01"))));
    try (LogCapture logs = LogCapture.attach(); Connection peer = db.dataSource().getConnection()) {
      peer.setAutoCommit(false);
      try (Statement s = peer.createStatement()) {
        s.executeUpdate("UPDATE backfill_runs SET message = 'peer' WHERE run_id = '" + runId + "'");
      }
      CompletableFuture<Void> update = CompletableFuture.runAsync(
          () -> timed.updateRun(runId, RunStatus.FAILED, Instant.now(), "updated by the store"),
          r -> new Thread(r, "store-update").start());
      AbstractFaultTest.await("the store's first lock timeout", () -> !logs.containing(lockTimeoutError()).isEmpty()
          || update.isDone());
      peer.rollback();
      update.get(60, TimeUnit.SECONDS);

      List<String> retries = logs.containing("state store transaction retried");
      assertThat(retries).as("the store's retries after a lock timeout").isNotEmpty()
          .anyMatch(l -> l.contains(lockTimeoutError()));
      RunRecord run = timed.run(runId).orElseThrow();
      assertThat(run.status()).isEqualTo(RunStatus.FAILED);
      assertThat(run.message()).isEqualTo("updated by the store");
      System.out.printf("STORE %s: lock timeout retried %d time(s): %s%n", engine(), retries.size(),
          retries.get(0).replace('\n', ' '));
    }
  }

  /** Hands out the pool's connections; while armed, ends each one's session on the server first. */
  private final class KillingDataSource implements DataSource {
    private final DataSource pool;
    private final DataSource admin;
    private final AtomicInteger armed = new AtomicInteger();
    private final List<String> killed = new ArrayList<>();

    KillingDataSource(DataSource pool, DataSource admin) {
      this.pool = pool;
      this.admin = admin;
    }

    void arm(int n) {
      armed.set(n);
    }

    synchronized List<String> killed() {
      return List.copyOf(killed);
    }

    @Override
    public Connection getConnection() throws SQLException {
      Connection c = pool.getConnection();
      if (armed.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        String victim = session(c);
        try (Connection a = admin.getConnection()) {
          terminate(a, victim);
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          while (sessionExists(a, victim)) {
            if (System.nanoTime() > deadline) {
              throw new IllegalStateException("session " + victim + " did not end");
            }
            Thread.onSpinWait();
          }
        }
        synchronized (this) {
          killed.add(victim);
        }
      }
      return c;
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
      return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
      pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
      pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
      return pool.getLoginTimeout();
    }

    @Override
    public java.util.logging.Logger getParentLogger() {
      return java.util.logging.Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}
