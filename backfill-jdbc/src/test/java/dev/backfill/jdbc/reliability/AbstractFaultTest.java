package dev.backfill.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.backfill.Backfill;
import dev.backfill.BackfillRun;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.SliceStatus;
import dev.backfill.jdbc.JdbcChecks;
import dev.backfill.jdbc.JdbcStateStore;
import dev.backfill.spi.SliceAttempt;
import dev.backfill.spi.SliceRecord;
import dev.backfill.spi.SourceNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Faults on the real engines, each in the middle slice (2024-01-02) of a three-day run with a
 * {@link JdbcStateStore} on the destination's DataSource (exactly-once), three attempts for transient
 * failures and two-row write batches (so a slice has written rows when the fault strikes). Each test
 * checks the documented end state, the attempt history of the slice, and that no partial slice was
 * ever visible to readers.
 *
 * <ul>
 *   <li>a connection dropped mid-slice by the server (PostgreSQL {@code pg_terminate_backend},
 *       MariaDB {@code KILL CONNECTION}): transient, retried, SUCCEEDED on attempt 2;
 *   <li>a real deadlock between the slice and another transaction, arranged so the engine picks the
 *       slice as victim: transient, retried, SUCCEEDED on attempt 2;
 *   <li>a real statement timeout (500 ms) on every attempt (PostgreSQL {@code statement_timeout}, MariaDB
 *       {@code max_statement_time}): transient, FAILED after 3 attempts;
 *   <li>a disk-full error (SQL state 53100 raised by a trigger): not transient, FAILED after 1 attempt,
 *       and SUCCEEDED on resume once the space is back;
 *   <li>a failing SQL check: FAILED_CHECK after 1 attempt (checks are not retried);
 *   <li>a real deadlock inside one of the state store's own transactions: retried by the store.
 * </ul>
 */
abstract class AbstractFaultTest extends EngineFixture {
  static final LocalDate D = LocalDate.parse("2024-01-02");
  private static final PartitionRange THREE_DAYS = PartitionRange.of("2024-01-01", "2024-01-03");
  private static final int ROWS = 6;

  /** The session id of the connection holding an open write transaction on a table (the slice writer). */
  abstract String writerSession(Connection admin, String table) throws SQLException;

  /** Whether a session is still connected. */
  abstract boolean sessionExists(Connection admin, String session) throws SQLException;

  /** Drops another session's connection from the server side. */
  abstract void terminate(Connection admin, String session) throws SQLException;

  /** This connection's session id. */
  abstract String session(Connection c) throws SQLException;

  /** Whether a session waits for a row lock. */
  abstract boolean waitsForLock(Connection admin, String session) throws SQLException;

  /**
   * Makes an open transaction the one the engine keeps when it deadlocks with a slice: PostgreSQL
   * aborts the transaction whose deadlock check runs first (so the peer's check is delayed), InnoDB
   * the one that changed fewer rows (so the peer changes many first).
   */
  abstract void makeDeadlockSurvivor(Connection peer) throws SQLException;

  /** Sets a statement timeout on every connection of a pool. */
  abstract void statementTimeout(HikariConfig config, Duration timeout);

  /** DDL of a trigger that runs {@code body} for rows of day {@link #D} inserted into a table. */
  abstract List<String> triggerOnDay(String table, String name, String body);

  /** Trigger body statements: sleep, and raise a disk-full error. */
  abstract String sleepSql(Duration d);

  abstract String diskFullSql();

  /** Text the engine puts in the error of the slice for each fault. */
  /** What the first attempt's error says, any one of them (the engine's words differ by where the drop is seen). */
  abstract String[] droppedConnectionErrors();

  abstract String deadlockError();

  abstract String timeoutError();

  private static ExecutionOptions options() {
    return ExecutionOptions.builder().maxConcurrency(1).writeBatchSize(2).workerId("faults")
        .retry(RetryPolicy.exponential(3, Duration.ofMillis(50))).build();
  }

  @Test
  void aConnectionDroppedMidSliceIsRetriedAndOnlyTheRetryCommits() throws Exception {
    long t0 = System.nanoTime();
    DailyTarget target = new DailyTarget(db.dataSource(), "dropped", DailyTarget.Kind.OVERWRITE, ROWS);
    target.create();
    CountDownLatch midSlice = new CountDownLatch(1);
    CountDownLatch dropped = new CountDownLatch(1);
    // Four rows of D are written (two batches) when the source stops until the connection is gone.
    Backfill<Row> backfill = target.backfill(new GeneratedSource("v2", ROWS, 0, (slice, attempt, row) -> {
      if (slice.key().equals(D.toString()) && attempt == 1 && row == 4) {
        midSlice.countDown();
        dropped.await();
      }
    }), store);
    BackfillRun run = backfill.execute(backfill.plan(THREE_DAYS), options());
    assertThat(midSlice.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(target.linesByDay().get(D)).as("D while its slice is half written").isEqualTo(target.expectedBefore(D));
    String victim;
    try (Connection admin = db.dataSource().getConnection()) {
      victim = writerSession(admin, target.table());
      terminate(admin, victim);
    }
    // The writer's session is gone for good before the slice goes on.
    try (Connection admin = db.dataSource().getConnection()) {
      await("the writer's session to end", () -> {
        try {
          return !sessionExists(admin, victim);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
    }
    dropped.countDown();
    RunReport report = run.await(Duration.ofSeconds(60));

    assertThat(report.status()).as(report.summary()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(target.linesByDay().get(D)).isEqualTo(target.expectedAfter(D, "v2"));
    List<SliceAttempt> attempts = attemptsOf(report.runId(), D);
    assertThat(attempts).extracting(SliceAttempt::attempt, SliceAttempt::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, SliceStatus.FAILED),
            org.assertj.core.groups.Tuple.tuple(2, SliceStatus.SUCCEEDED));
    assertThat(attempts.get(0).error()).containsAnyOf(droppedConnectionErrors());
    figures("dropped connection (session " + victim + " terminated after 4 of " + ROWS + " rows)", report, attempts, t0);
  }

  @Test
  void aRealDeadlockWithAnotherTransactionIsRetried() throws Exception {
    long t0 = System.nanoTime();
    DailyTarget target = new DailyTarget(db.dataSource(), "deadlock", DailyTarget.Kind.MERGE, ROWS);
    target.create();
    db.exec("CREATE TABLE ballast (id INT PRIMARY KEY, v INT NOT NULL)");
    db.exec(ballastInsert());
    CountDownLatch midSlice = new CountDownLatch(1);
    CountDownLatch peerWaiting = new CountDownLatch(1);
    // Rows 0 and 1 of D are upserted (locked by the slice) when the source stops; the next batch
    // upserts rows 2 and 3.
    Backfill<Row> backfill = target.backfill(new GeneratedSource("v2", ROWS, 0, (slice, attempt, row) -> {
      if (slice.key().equals(D.toString()) && attempt == 1 && row == 2) {
        midSlice.countDown();
        peerWaiting.await();
      }
    }), store);
    BackfillRun run = backfill.execute(backfill.plan(THREE_DAYS), options());
    assertThat(midSlice.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(target.linesByDay().get(D)).as("D while its slice is half written").isEqualTo(target.expectedBefore(D));

    try (Connection peer = db.dataSource().getConnection(); Connection admin = db.dataSource().getConnection()) {
      peer.setAutoCommit(false);
      makeDeadlockSurvivor(peer);
      String table = db.q(target.table());
      try (Statement s = peer.createStatement()) {
        s.executeUpdate("UPDATE " + table + " SET amount = amount + 1 WHERE id = " + GeneratedSource.id(D, 3));
      }
      String peerSession = session(peer);
      // The peer now waits for row 0 (held by the slice) while holding row 3 (the slice's next upsert).
      CompletableFuture<Integer> peerUpdate = async(() -> {
        try (Statement s = peer.createStatement()) {
          return s.executeUpdate("UPDATE " + table + " SET amount = amount + 1 WHERE id = " + GeneratedSource.id(D, 0));
        } catch (SQLException e) {
          throw new IllegalStateException("the peer was chosen as the deadlock victim: " + e.getMessage(), e);
        }
      });
      await("the peer to wait for the slice's lock", () -> {
        try {
          return waitsForLock(admin, peerSession);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      peerWaiting.countDown();
      assertThat(peerUpdate.get(30, TimeUnit.SECONDS)).as("the peer's update, done once the slice rolled back").isEqualTo(1);
      peer.rollback();
    }
    RunReport report = run.await(Duration.ofSeconds(60));

    assertThat(report.status()).as(report.summary()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(target.linesByDay().get(D)).isEqualTo(target.expectedAfter(D, "v2"));
    List<SliceAttempt> attempts = attemptsOf(report.runId(), D);
    assertThat(attempts).extracting(SliceAttempt::attempt, SliceAttempt::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, SliceStatus.FAILED),
            org.assertj.core.groups.Tuple.tuple(2, SliceStatus.SUCCEEDED));
    assertThat(attempts.get(0).error()).contains(deadlockError());
    figures("real deadlock (slice chosen as victim)", report, attempts, t0);
  }

  @Test
  void aStatementTimeoutOnEveryAttemptEndsFailedAfterTheRetries() throws Exception {
    long t0 = System.nanoTime();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.jdbcUrl());
    config.setUsername(db.user());
    config.setPassword("");
    config.setMaximumPoolSize(4);
    statementTimeout(config, Duration.ofMillis(500));
    // The table, its rows and the store's tables are created without the timeout.
    new DailyTarget(db.dataSource(), "timeout", DailyTarget.Kind.OVERWRITE, ROWS).create();
    try (HikariDataSource limited = new HikariDataSource(config)) {
      JdbcStateStore limitedStore = JdbcStateStore.create(limited);
      DailyTarget target = new DailyTarget(limited, "timeout", DailyTarget.Kind.OVERWRITE, ROWS);
      db.exec(triggerOnDay(target.table(), "slow_rows", sleepSql(Duration.ofSeconds(3))).toArray(String[]::new));
      Backfill<Row> backfill = target.backfill(new GeneratedSource("v2", ROWS, 0), limitedStore);
      RunReport report = backfill.execute(backfill.plan(THREE_DAYS), options()).await(Duration.ofSeconds(60));

      assertThat(report.status()).as(report.summary()).isEqualTo(RunStatus.FAILED);
      assertOthersSucceeded(limitedStore, report.runId(), SliceStatus.FAILED);
      assertThat(target.linesByDay().get(D)).as("D after three timed-out attempts").isEqualTo(target.expectedBefore(D));
      List<SliceAttempt> attempts = attemptsOf(limitedStore, report.runId(), D);
      assertThat(attempts).extracting(SliceAttempt::status)
          .containsExactly(SliceStatus.FAILED, SliceStatus.FAILED, SliceStatus.FAILED);
      assertThat(attempts).allSatisfy(a -> assertThat(a.error()).contains(timeoutError()));
      figures("statement timeout 500 ms on every attempt", report, attempts, t0);
    }
  }

  @Test
  void aDiskFullErrorFailsTheSliceAtOnceAndAResumeRunsItOnceThereIsSpace() throws Exception {
    long t0 = System.nanoTime();
    DailyTarget target = new DailyTarget(db.dataSource(), "diskfull", DailyTarget.Kind.APPEND, ROWS);
    target.create();
    db.exec(triggerOnDay(target.table(), "full_disk", diskFullSql()).toArray(String[]::new));
    Backfill<Row> backfill = target.backfill(new GeneratedSource("v2", ROWS, 0), store);
    RunReport report = backfill.execute(backfill.plan(THREE_DAYS), options()).await(Duration.ofSeconds(60));

    assertThat(report.status()).as(report.summary()).isEqualTo(RunStatus.FAILED);
    assertOthersSucceeded(store, report.runId(), SliceStatus.FAILED);
    assertThat(target.linesByDay().get(D)).as("D after the disk-full error").isEqualTo(target.expectedBefore(D));
    List<SliceAttempt> failed = attemptsOf(report.runId(), D);
    assertThat(failed).extracting(SliceAttempt::status).containsExactly(SliceStatus.FAILED);
    assertThat(failed.get(0).error()).contains("53100");

    db.exec(dropTrigger(target.table(), "full_disk"));
    RunReport resumed = backfill.resume(report.runId(), options()).await(Duration.ofSeconds(60));
    assertThat(resumed.status()).as(resumed.summary()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(target.linesByDay().get(D)).isEqualTo(target.expectedAfter(D, "v2"));
    List<SliceAttempt> attempts = attemptsOf(report.runId(), D);
    assertThat(attempts).extracting(SliceAttempt::attempt, SliceAttempt::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, SliceStatus.FAILED),
            org.assertj.core.groups.Tuple.tuple(2, SliceStatus.SUCCEEDED));
    figures("disk full (53100), then resumed", resumed, attempts, t0);
  }

  @Test
  void aFailingCheckRollsBackTheSliceWithoutRetry() throws Exception {
    long t0 = System.nanoTime();
    DailyTarget target = new DailyTarget(db.dataSource(), "checked", DailyTarget.Kind.OVERWRITE, ROWS);
    target.create();
    GeneratedSource rows = new GeneratedSource("v2", ROWS, 0);
    // A pipeline bug: one negative amount on D, caught by a SQL check inside the slice's transaction.
    SourceNode<Row> buggy = (slice, context, sink) -> rows.read(slice, context, r ->
        sink.accept(r.get("day").equals(D) && r.get("id").equals(GeneratedSource.id(D, 2)) ? r.with("amount", -5L) : r));
    Backfill<Row> backfill = target.backfill(buggy, store,
        JdbcChecks.sql("SELECT count(*) FROM {table} WHERE day = :start_date AND amount < 0", JdbcChecks.exactly(0)));
    RunReport report = backfill.execute(backfill.plan(THREE_DAYS), options()).await(Duration.ofSeconds(60));

    assertThat(report.status()).as(report.summary()).isEqualTo(RunStatus.FAILED);
    assertOthersSucceeded(store, report.runId(), SliceStatus.FAILED_CHECK);
    assertThat(target.linesByDay().get(D)).as("D after its failed check").isEqualTo(target.expectedBefore(D));
    List<SliceAttempt> attempts = attemptsOf(report.runId(), D);
    assertThat(attempts).extracting(SliceAttempt::status).containsExactly(SliceStatus.FAILED_CHECK);
    assertThat(attempts.get(0).error()).contains("returned 1, expected = 0");
    figures("failing check", report, attempts, t0);
  }

  @Test
  void theStateStoreRetriesItsOwnTransactionAfterARealDeadlock() throws Exception {
    long t0 = System.nanoTime();
    db.exec("CREATE TABLE ballast (id INT PRIMARY KEY, v INT NOT NULL)");
    db.exec(ballastInsert());
    String runId = "store-deadlock";
    List<SliceRecord> slices = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String key = LocalDate.parse("2024-01-01").plusDays(i).toString();
      slices.add(SliceRecord.pending(runId, i, key, List.of(key)));
    }
    store.createRun(new dev.backfill.spi.RunRecord(runId, "orders", RunStatus.FAILED, "v1",
        dev.backfill.Guarantee.EXACTLY_ONCE, "{}", 4, Instant.now(), null, ""), slices);
    store.markPending(runId, SliceStatus.SKIPPED, "skipped");
    try (LogCapture logs = LogCapture.attach(); Connection peer = db.dataSource().getConnection();
        Connection admin = db.dataSource().getConnection()) {
      peer.setAutoCommit(false);
      makeDeadlockSurvivor(peer);
      String table = "backfill_slices";
      try (Statement s = peer.createStatement()) {
        s.executeUpdate("UPDATE " + table + " SET error = 'peer' WHERE run_id = '" + runId + "' AND slice_index = 3");
      }
      String peerSession = session(peer);
      // reopen locks slices 0, 1, 2 and waits for 3; the peer then asks for 0.
      CompletableFuture<Integer> reopen = async(() -> store.reopen(runId));
      await("reopen to wait for the peer's lock", () -> {
        try {
          return blocksOthers(admin, peerSession);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      try (Statement s = peer.createStatement()) {
        s.executeUpdate("UPDATE " + table + " SET error = 'peer' WHERE run_id = '" + runId + "' AND slice_index = 0");
      }
      peer.rollback();
      assertThat(reopen.get(30, TimeUnit.SECONDS)).as("slices reopened by the retried transaction").isEqualTo(4);
      assertThat(store.countSlices(runId)).isEqualTo(java.util.Map.of(SliceStatus.PENDING, 4));
      List<String> retries = logs.containing("state store transaction retried");
      assertThat(retries).as("the store's retry of its deadlocked transaction").isNotEmpty();
      System.out.printf("FAULT %s store deadlock: reopen deadlocked with another transaction, was retried %d time(s)"
          + " and reopened all 4 slices; %s; %d ms%n", engine(), retries.size(), retries.get(0).replace('\n', ' '),
          (System.nanoTime() - t0) / 1_000_000);
    }
  }

  /** A resumable run of which only D did not succeed. */
  private static void assertOthersSucceeded(JdbcStateStore s, String runId, SliceStatus ofD) {
    assertThat(s.slices(runId)).extracting(SliceRecord::key, SliceRecord::status).containsExactly(
        org.assertj.core.groups.Tuple.tuple("2024-01-01", SliceStatus.SUCCEEDED),
        org.assertj.core.groups.Tuple.tuple(D.toString(), ofD),
        org.assertj.core.groups.Tuple.tuple("2024-01-03", SliceStatus.SUCCEEDED));
  }

  private List<SliceAttempt> attemptsOf(String runId, LocalDate day) {
    return attemptsOf(store, runId, day);
  }

  private static List<SliceAttempt> attemptsOf(JdbcStateStore s, String runId, LocalDate day) {
    return s.attempts(runId).stream().filter(a -> a.key().equals(day.toString()))
        .sorted(Comparator.comparingInt(SliceAttempt::attempt)).toList();
  }

  private void figures(String fault, RunReport report, List<SliceAttempt> attempts, long t0) {
    System.out.printf("FAULT %s %s: run %s; slice %s attempts [%s]; %d ms%n", engine(), fault, report.status(), D,
        attempts.stream().map(a -> a.attempt() + " " + a.status() + (a.error() == null ? "" : " (" + a.error() + ")"))
            .collect(Collectors.joining("; ")), (System.nanoTime() - t0) / 1_000_000);
  }

  private static String ballastInsert() {
    StringBuilder s = new StringBuilder("INSERT INTO ballast (id, v) VALUES ");
    for (int i = 0; i < 300; i++) {
      s.append(i == 0 ? "" : ", ").append('(').append(i).append(", 0)");
    }
    return s.toString();
  }

  abstract String dropTrigger(String table, String name);

  /** Whether another session waits for a lock a session holds. */
  abstract boolean blocksOthers(Connection admin, String session) throws SQLException;

  /** Runs on a thread of its own (the common pool may have a single, busy thread on small machines). */
  private static <T> CompletableFuture<T> async(java.util.function.Supplier<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        result.complete(work.get());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    }, "fault-peer");
    t.setDaemon(true);
    t.start();
    return result;
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  /** The one value of a one-row, one-column query. */
  static String single(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new AssertionError("no row");
      }
      String value = rs.getString(1);
      if (rs.next()) {
        throw new AssertionError("more than one row");
      }
      return value;
    }
  }
}
