package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.BackfillRun;
import dev.backfill.CancelMode;
import dev.backfill.ExecutionOptions;
import dev.backfill.Guarantee;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.PlanOptions;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.Selection;
import dev.backfill.SliceCheck;
import dev.backfill.SliceReport;
import dev.backfill.SliceStatus;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.PartitionState;
import dev.backfill.spi.SliceCancelledException;
import dev.backfill.spi.SourceNode;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the JDBC destination adds on one engine to the kit's {@code DestinationContract} (which
 * {@link AbstractJdbcDestinationContractTest} runs for records on every engine): pushdown
 * ({@code INSERT ... SELECT}) for every strategy after a first run and a rerun; for records and
 * pushdown, SQL checks run inside the slice's transaction, a slice the database refuses half-way,
 * and its resume; an IMMEDIATE cancel in the middle of a slice; merge on a composite key;
 * schema-qualified tables; exactly-once commits of data and status (and at-least-once with another
 * {@code DataSource}); readers that never see a half-written slice or a half-built table; keeping the
 * previous table. Subclasses only name the engine.
 *
 * <p>Upstream table {@code src} holds versions of three daily slices: {@code v1} (customers 1-3),
 * {@code v2} (customers 1-2, other revenues), {@code neg} (v2 with a negative revenue on day 2) and
 * {@code bad} (v2 plus a row with a NULL revenue on day 2, which the destination refuses after two rows
 * of the slice were written). The destination {@code daily} starts with one row outside the range.
 */
abstract class AbstractJdbcDestinationTest {
  static final LocalDate D1 = LocalDate.parse("2024-01-01");
  static final LocalDate D2 = LocalDate.parse("2024-01-02");
  static final LocalDate D3 = LocalDate.parse("2024-01-03");
  static final PartitionRange RANGE = PartitionRange.of("2024-01-01", "2024-01-03");
  static final String SEED = "2023-12-31|9|999";

  enum Kind {
    APPEND(WriteStrategy.append()),
    OVERWRITE(WriteStrategy.overwritePartition("day")),
    MERGE(WriteStrategy.merge("day", "customer_id")),
    MERGE_DELETING_MISSING(WriteStrategy.merge("day", "customer_id").deletingMissingWithin("day")),
    FULL_REBUILD(WriteStrategy.fullRebuild());

    final WriteStrategy strategy;

    Kind(WriteStrategy strategy) {
      this.strategy = strategy;
    }

    boolean keyed() {
      return this == MERGE || this == MERGE_DELETING_MISSING;
    }
  }

  enum Path { RECORDS, PUSHDOWN }

  static Stream<Arguments> everyStrategy() {
    return Stream.of(Kind.values()).flatMap(k -> Stream.of(Path.values()).map(p -> Arguments.of(k, p)));
  }

  TestDatabase db;
  JdbcStateStore store;

  abstract TestDatabase.Engine engine();

  /** Installs a trigger that fails any update marking slice {@code sliceKey} SUCCEEDED in backfill_slices. */
  abstract void failSucceededStatusOf(String sliceKey);

  @BeforeEach
  void setUp() {
    db = TestDatabase.open(engine());
    store = JdbcStateStore.create(db.dataSource());
    db.exec("CREATE TABLE src (version VARCHAR(10) NOT NULL, " + db.q("day") + " DATE NOT NULL,"
        + " customer_id INT NOT NULL, revenue BIGINT)");
    List<Object[]> rows = new ArrayList<>();
    for (LocalDate d : List.of(D1, D2, D3)) {
      for (String v : List.of("v1", "v2", "neg", "bad")) {
        for (String line : data(v, d)) {
          String[] f = line.split("\\|");
          rows.add(new Object[] {v, d, Integer.parseInt(f[1]), Long.parseLong(f[2])});
        }
      }
    }
    rows.add(new Object[] {"bad", D2, 3, null});
    insertSrc(rows);
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  // ---------------------------------------------------------------------------------------------
  // Every strategy: pushdown here, records in the contract; SQL checks and refused rows for both

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void pushdownFirstRunWritesEverySlice(Kind kind) {
    createDestination(kind);
    RunReport report = execute(backfill(kind, Path.PUSHDOWN, "v1"));

    assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(report.guarantee()).isEqualTo(Guarantee.EXACTLY_ONCE);
    assertThat(report.count(SliceStatus.SUCCEEDED)).isEqualTo(3);
    assertThat(report.rows()).isEqualTo(9);
    assertThat(destination()).containsExactlyElementsOf(
        expected(kind, List.of(SEED), slices("v1", D1, D2, D3), true));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void pushdownRerunOfTheSameRangeIsIdempotentExceptForAppend(Kind kind) {
    createDestination(kind);
    execute(backfill(kind, Path.PUSHDOWN, "v1"));
    List<String> afterFirst = destination();

    RunReport again = execute(backfill(kind, Path.PUSHDOWN, "v1"));
    assertThat(again.status()).isEqualTo(RunStatus.SUCCEEDED);
    List<String> afterAgain = destination();
    if (kind == Kind.APPEND) {
      assertThat(afterAgain).containsExactlyElementsOf(expected(kind, afterFirst, slices("v1", D1, D2, D3), true));
    } else {
      assertThat(afterAgain).containsExactlyElementsOf(afterFirst);
    }

    RunReport changed = execute(backfill(kind, Path.PUSHDOWN, "v2"));
    assertThat(changed.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(destination()).containsExactlyElementsOf(expected(kind, afterAgain, slices("v2", D1, D2, D3), true));
  }

  @ParameterizedTest(name = "{0} via {1}")
  @MethodSource("everyStrategy")
  void failingCheckRollsTheSliceBack(Kind kind, Path path) {
    createDestination(kind);
    execute(backfill(kind, path, "v1"));
    List<String> before = destination();

    RunReport report = execute(backfill(kind, path, "neg",
        JdbcChecks.sql("SELECT count(*) FROM {table} WHERE revenue < 0", JdbcChecks.exactly(0))));

    assertThat(report.status()).isEqualTo(RunStatus.FAILED);
    SliceReport failed = report.slice("2024-01-02").orElseThrow();
    assertThat(failed.status()).isEqualTo(SliceStatus.FAILED_CHECK);
    assertThat(failed.error()).contains("returned 1, expected = 0");
    assertThat(historyStatus(report.runId(), "2024-01-02")).isEqualTo(SliceStatus.FAILED_CHECK);
    assertThat(report.slice("2024-01-01").orElseThrow().status()).isEqualTo(SliceStatus.SUCCEEDED);
    assertThat(report.slice("2024-01-03").orElseThrow().status()).isEqualTo(SliceStatus.SUCCEEDED);
    assertThat(destination()).containsExactlyElementsOf(expected(kind, before, slices("neg", D1, D3), false));
    if (kind == Kind.FULL_REBUILD) {
      assertThat(report.message()).contains("not swapped");
    }
  }

  @ParameterizedTest(name = "{0} via {1}")
  @MethodSource("everyStrategy")
  void failureInTheMiddleOfASliceLeavesNothingOfItAndResumeFinishes(Kind kind, Path path) {
    createDestination(kind);
    execute(backfill(kind, path, "v1"));
    List<String> before = destination();

    Backfill<?> bad = backfill(kind, path, "bad");
    RunReport report = execute(bad);

    assertThat(report.status()).isEqualTo(RunStatus.FAILED);
    SliceReport failed = report.slice("2024-01-02").orElseThrow();
    assertThat(failed.status()).isEqualTo(SliceStatus.FAILED);
    assertThat(failed.error()).isNotBlank();
    assertThat(destination()).containsExactlyElementsOf(expected(kind, before, slices("bad", D1, D3), false));

    db.exec("DELETE FROM src WHERE version = 'bad' AND revenue IS NULL");
    RunReport resumed = bad.resume(report.runId(), options()).await();

    assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(resumed.slice("2024-01-02").orElseThrow().attempts()).isEqualTo(2);
    assertThat(destination()).containsExactlyElementsOf(expected(kind, before, slices("bad", D1, D3, D2), true));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void immediateCancelInTheMiddleOfASliceRollsItBack(Kind kind) throws Exception {
    createDestination(kind);
    execute(backfill(kind, Path.RECORDS, "v1"));
    List<String> before = destination();
    CountDownLatch twoRowsWritten = new CountDownLatch(1);
    SourceNode<Row> upstream = source("v2");
    SourceNode<Row> stalling = (slice, ctx, sink) -> {
      AtomicInteger n = new AtomicInteger();
      upstream.read(slice, ctx, row -> {
        sink.accept(row);
        if (slice.key().equals("2024-01-02") && n.incrementAndGet() == 2) {
          twoRowsWritten.countDown();
          try {
            Thread.sleep(60_000);
          } catch (InterruptedException e) {
            throw new SliceCancelledException("test source interrupted by the cancel");
          }
        }
      });
    };
    Backfill<Row> backfill = builder(kind, "v2").source(stalling)
        .destination(JdbcDestination.table(db.dataSource(), "daily")).build();
    BackfillRun run = backfill.execute(backfill.plan(RANGE, PlanOptions.defaults().select(Selection.RESTATE)), options());

    assertThat(twoRowsWritten.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(destination()).as("uncommitted rows of the running slice are invisible").isEqualTo(
        expected(kind, before, slices("v2", D1), false));
    run.cancel(CancelMode.IMMEDIATE);
    RunReport report = run.await(Duration.ofSeconds(30));

    assertThat(report.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(report.slice("2024-01-02").orElseThrow().status()).isEqualTo(SliceStatus.CANCELLED);
    assertThat(destination()).containsExactlyElementsOf(expected(kind, before, slices("v2", D1), false));
  }

  /** The database counts a pushdown slice's rows and nulls; the contract checks a records writer's stats. */
  @Test
  void pushdownStatsCountRowsAndNullsForChecks() {
    db.exec("CREATE TABLE daily (" + db.q("day") + " DATE NOT NULL, customer_id INT NOT NULL, revenue BIGINT)");
    RunReport report = execute(backfill(Kind.APPEND, Path.PUSHDOWN, "bad", SliceCheck.maxNullRate("revenue", 0.0)));

    SliceReport d2 = report.slice("2024-01-02").orElseThrow();
    assertThat(d2.status()).isEqualTo(SliceStatus.FAILED_CHECK);
    assertThat(d2.error()).contains("null rate of revenue 0.3333 (1 of 3 rows) > maxNullRate 0");
    assertThat(report.slice("2024-01-01").orElseThrow().status()).isEqualTo(SliceStatus.SUCCEEDED);
    assertThat(destination()).containsExactlyElementsOf(expected(Kind.APPEND, List.of(), slices("bad", D1, D3), false));
  }

  /** Into NOT NULL columns the insert's own count is the slice's figure; nulls are zero by constraint. */
  @Test
  void pushdownIntoNotNullColumnsCountsRowsFromTheInsert() {
    db.exec("CREATE TABLE daily (" + db.q("day") + " DATE NOT NULL, customer_id INT NOT NULL, revenue BIGINT NOT NULL)");
    RunReport report = execute(backfill(Kind.APPEND, Path.PUSHDOWN, "v1", SliceCheck.maxNullRate("revenue", 0.0),
        SliceCheck.minRows(3)));

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(report.rows()).isEqualTo(9);
    assertThat(report.slice("2024-01-02").orElseThrow().checks())
        .anyMatch(c -> c.contains("null rate of revenue 0 (0 of 3 rows)"))
        .anyMatch(c -> c.contains("rows 3"));
    assertThat(destination()).containsExactlyElementsOf(expected(Kind.APPEND, List.of(), slices("v1", D1, D2, D3), false));
  }

  @Test
  void aWriterCanBeAbortedFromAnotherThreadOnceAndNotAfterItsCommit() throws Exception {
    createDestination(Kind.APPEND);
    JdbcDestination destination = JdbcDestination.table(db.dataSource(), "daily");
    dev.backfill.Slice slice = dev.backfill.Slice.of(0, List.of(Partitioning.daily(ZoneOffset.UTC).partition("2024-01-05")));
    Row row = Row.of("day", LocalDate.parse("2024-01-05"), "customer_id", 1, "revenue", 5L);

    dev.backfill.spi.SliceWriter<Row> aborted = destination.open(slice, WriteStrategy.append(), null);
    aborted.write(List.of(row));
    assertThat(aborted.resource(Connection.class)).isPresent();
    Thread other = new Thread(aborted::abort);
    other.start();
    other.join();
    aborted.abort();
    assertThat(aborted.resource(Connection.class)).as("connection returned after abort").isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> aborted.write(List.of(row)))
        .isInstanceOf(SliceCancelledException.class);

    dev.backfill.spi.SliceWriter<Row> committed = destination.open(slice, WriteStrategy.append(), null);
    committed.write(List.of(row));
    assertThat(committed.stats().rows()).isEqualTo(1);
    assertThat(committed.resource(DataSource.class)).containsSame(db.dataSource());
    committed.commit();
    committed.abort();

    assertThat(destination()).containsExactly(SEED, "2024-01-05|1|5");
  }

  @Test
  void pushdownSlicesOfSeveralDaysOverwriteTheirWholeSpan() {
    createDestination(Kind.OVERWRITE);
    execute(backfill(Kind.OVERWRITE, Path.PUSHDOWN, "v1"));
    Backfill<?> batched = backfill(Kind.OVERWRITE, Path.PUSHDOWN, "v2");

    RunReport report = batched.execute(batched.plan(RANGE, PlanOptions.defaults().select(Selection.RESTATE).batchSize(2)),
        options()).await();

    assertThat(report.slices()).extracting(SliceReport::key).containsExactly("2024-01-01..2024-01-02", "2024-01-03");
    assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(destination()).containsExactlyElementsOf(
        expected(Kind.OVERWRITE, List.of(SEED), slices("v2", D1, D2, D3), true));
  }

  /** The dimension {@code latest} keeps each customer's newest revenue; src's day orders the versions. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void mergeNewerByNeverRollsACustomerBackWhenAnOlderDayCommitsLater(Path path) {
    db.exec("CREATE TABLE latest (customer_id INT NOT NULL PRIMARY KEY, changed_at DATE NOT NULL, revenue BIGINT)");
    WriteStrategy strategy = WriteStrategy.merge("customer_id").newerBy("changed_at");
    String select = "SELECT customer_id, " + db.q("day") + " AS changed_at, revenue FROM src WHERE version = :v AND "
        + db.q("day") + " BETWEEN :start_date AND :end_date";
    Backfill.Builder<Object> builder = Backfill.builder("latest").partitioning(Partitioning.daily(ZoneOffset.UTC))
        .token("v", "v1").strategy(strategy).stateStore(store);
    Backfill<?> backfill = path == Path.RECORDS
        ? builder.source(JdbcSource.query(db.dataSource(), select)).destination(JdbcDestination.table(db.dataSource(), "latest")).build()
        : builder.destination(JdbcDestination.table(db.dataSource(), "latest").fromQuery(select)).build();

    for (String day : List.of("2024-01-03", "2024-01-01", "2024-01-02", "2024-01-03", "2024-01-01")) {
      RunReport report = backfill.execute(backfill.plan(PartitionRange.of(day, day),
          PlanOptions.defaults().select(Selection.RESTATE)), options()).await();
      assertThat(report.status()).as(report.summary()).isEqualTo(RunStatus.SUCCEEDED);
    }

    assertThat(db.lines("SELECT customer_id, changed_at, revenue FROM latest ORDER BY customer_id"))
        .containsExactly("1|2024-01-03|301", "2|2024-01-03|302", "3|2024-01-03|303");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Kind.class, names = {"OVERWRITE", "MERGE", "FULL_REBUILD"})
  void tablesQualifiedByASchemaAreWrittenThere(Kind kind) {
    String schema = "bfq_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    db.exec(db.dialect().createSchemaIfNotExistsSql(schema));
    try {
      String table = db.q(schema) + ".daily";
      db.exec("CREATE TABLE " + table + " (" + db.q("day") + " DATE NOT NULL, customer_id INT NOT NULL,"
          + " revenue BIGINT NOT NULL, PRIMARY KEY (" + db.q("day") + ", customer_id))");
      WriteStrategy strategy = kind == Kind.FULL_REBUILD ? WriteStrategy.fullRebuild().keepingPrevious() : kind.strategy;
      Backfill<Row> backfill = builder(kind, "v2").source(source("v2"))
          .destination(JdbcDestination.table(db.dataSource(), schema + ".daily")).strategy(strategy).build();

      assertThat(execute(backfill).status()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(execute(backfill).status()).isEqualTo(RunStatus.SUCCEEDED);

      assertThat(db.lines("SELECT " + db.q("day") + ", customer_id, revenue FROM " + table + " ORDER BY "
          + db.q("day") + ", customer_id")).containsExactlyElementsOf(expected(kind, List.of(), slices("v2", D1, D2, D3), true));
      if (kind == Kind.FULL_REBUILD) {
        assertThat(db.count("SELECT count(*) FROM " + db.q(schema) + ".daily_bf_prev")).isEqualTo(6);
      }
    } finally {
      db.dropSchema(schema);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Exactly-once

  @Test
  void withTheSameDataSourceStatusAndDataCommitTogether() {
    createDestination(Kind.OVERWRITE);
    execute(backfill(Kind.OVERWRITE, Path.RECORDS, "v1"));
    List<String> before = destination();
    PartitionState committedBefore = partitionState("2024-01-02");
    failSucceededStatusOf("2024-01-02");

    RunReport report = execute(backfill(Kind.OVERWRITE, Path.RECORDS, "v2"));

    assertThat(report.guarantee()).isEqualTo(Guarantee.EXACTLY_ONCE);
    SliceReport failed = report.slice("2024-01-02").orElseThrow();
    assertThat(failed.status()).isEqualTo(SliceStatus.FAILED);
    assertThat(failed.error()).contains("injected failure recording the status");
    // Recording the status failed inside the slice's transaction, so the slice's data is absent too.
    assertThat(destination()).containsExactlyElementsOf(expected(Kind.OVERWRITE, before, slices("v2", D1, D3), false));
    PartitionState after = partitionState("2024-01-02");
    assertThat(after.lastStatus()).isEqualTo(SliceStatus.FAILED);
    assertThat(after.succeededAt()).isEqualTo(committedBefore.succeededAt());
    assertThat(store.run(report.runId()).orElseThrow().guarantee()).isEqualTo(Guarantee.EXACTLY_ONCE);
  }

  @Test
  void withAnotherDataSourceTheDataCommitsBeforeItsStatusAndHistorySaysAtLeastOnce() {
    createDestination(Kind.OVERWRITE);
    JdbcStateStore otherStore = JdbcStateStore.create(new OtherDataSource(db.dataSource()));
    failSucceededStatusOf("2024-01-02");

    Backfill<Row> backfill = builder(Kind.OVERWRITE, "v2").source(source("v2"))
        .destination(JdbcDestination.table(db.dataSource(), "daily")).stateStore(otherStore).build();
    RunReport report = execute(backfill);

    assertThat(report.guarantee()).isEqualTo(Guarantee.AT_LEAST_ONCE);
    assertThat(otherStore.run(report.runId()).orElseThrow().guarantee()).isEqualTo(Guarantee.AT_LEAST_ONCE);
    assertThat(report.slice("2024-01-02").orElseThrow().status()).isEqualTo(SliceStatus.FAILED);
    // The data committed before the status write failed: a rerun would write it again.
    assertThat(destination()).containsExactlyElementsOf(
        expected(Kind.OVERWRITE, List.of(SEED), slices("v2", D1, D2, D3), true));
  }

  // ---------------------------------------------------------------------------------------------
  // Readers never see partial state

  @Test
  void readersNeverSeeAPartialOverwrite() throws Exception {
    List<Integer> counts = prepareWideTables(40, 60);
    Backfill<Row> backfill = wideBackfill(WriteStrategy.overwritePartition("day"));
    Set<String> violations = watch(() -> {
      Map<String, Long> perDay = new HashMap<>();
      for (Row r : db.rows("SELECT " + db.q("day") + ", count(*) AS n FROM wide GROUP BY " + db.q("day"))) {
        perDay.put(String.valueOf(r.get(0)), ((Number) r.get(1)).longValue());
      }
      if (perDay.size() != 10 || perDay.values().stream().anyMatch(n -> !counts.contains(n.intValue()))) {
        return "rows per day " + perDay;
      }
      return null;
    }, () -> execute(backfill, ExecutionOptions.builder().maxConcurrency(2).writeBatchSize(7).build()));

    assertThat(violations).isEmpty();
    assertThat(db.count("SELECT count(*) FROM wide")).isEqualTo(600);
  }

  @Test
  void readersNeverSeeAPartialFullRebuild() throws Exception {
    prepareWideTables(40, 60);
    Backfill<Row> backfill = wideBackfill(WriteStrategy.fullRebuild());
    Set<String> violations = watch(() -> {
      long n = db.count("SELECT count(*) FROM wide");
      return n == 400 || n == 600 ? null : "total " + n;
    }, () -> execute(backfill, ExecutionOptions.builder().maxConcurrency(2).writeBatchSize(7).build()));

    assertThat(violations).isEmpty();
    assertThat(db.count("SELECT count(*) FROM wide")).isEqualTo(600);
    assertThat(db.tableExists("wide_bf_shadow")).isFalse();
    assertThat(db.tableExists("wide_bf_prev")).isFalse();
  }

  @Test
  void fullRebuildKeepsThePreviousTableWhenAsked() {
    prepareWideTables(40, 60);
    RunReport report = execute(wideBackfill(WriteStrategy.fullRebuild().keepingPrevious()), options());

    assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(db.count("SELECT count(*) FROM wide")).isEqualTo(600);
    assertThat(db.count("SELECT count(*) FROM wide_bf_prev")).isEqualTo(400);
  }

  /** Runs a check in a loop on another thread while the action runs; returns what it saw wrong. */
  private Set<String> watch(java.util.concurrent.Callable<String> check, Runnable action) throws Exception {
    Set<String> violations = ConcurrentHashMap.newKeySet();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger observations = new AtomicInteger();
    Thread reader = new Thread(() -> {
      while (!stop.get()) {
        try {
          String v = check.call();
          if (v != null) {
            violations.add(v);
          }
          observations.incrementAndGet();
        } catch (Exception e) {
          violations.add("reader failed: " + e.getMessage());
        }
      }
    }, "reader");
    reader.start();
    try {
      action.run();
    } finally {
      stop.set(true);
      reader.join(30_000);
    }
    assertThat(observations.get()).as("the reader observed the table while the run wrote it").isPositive();
    return violations;
  }

  /** {@code wide} holds 10 days of {@code oldRows} rows; src version 'new' has {@code newRows} per day. */
  private List<Integer> prepareWideTables(int oldRows, int newRows) {
    db.exec("CREATE TABLE wide (" + db.q("day") + " DATE NOT NULL, customer_id INT NOT NULL, revenue BIGINT NOT NULL)");
    List<Object[]> rows = new ArrayList<>();
    for (int d = 1; d <= 10; d++) {
      LocalDate day = LocalDate.of(2024, 2, d);
      for (int c = 1; c <= Math.max(oldRows, newRows); c++) {
        if (c <= oldRows) {
          rows.add(new Object[] {"old", day, c, (long) c});
        }
        if (c <= newRows) {
          rows.add(new Object[] {"new", day, c, 2L * c});
        }
      }
    }
    insertSrc(rows);
    db.exec("INSERT INTO wide SELECT " + db.q("day") + ", customer_id, revenue FROM src WHERE version = 'old'");
    return List.of(oldRows, newRows);
  }

  private Backfill<Row> wideBackfill(WriteStrategy strategy) {
    return Backfill.builder("wide").partitioning(Partitioning.daily(ZoneOffset.UTC)).token("v", "new")
        .source(source("new")).destination(JdbcDestination.table(db.dataSource(), "wide")).strategy(strategy)
        .stateStore(store).build();
  }

  private RunReport execute(Backfill<?> backfill, ExecutionOptions options) {
    return backfill.execute(backfill.plan(PartitionRange.of("2024-02-01", "2024-02-10"),
        PlanOptions.defaults().select(Selection.RESTATE)), options).await();
  }

  // ---------------------------------------------------------------------------------------------
  // Fixtures

  void createDestination(Kind kind) {
    db.exec("CREATE TABLE daily (" + db.q("day") + " DATE NOT NULL, customer_id INT NOT NULL, revenue BIGINT NOT NULL"
        + (kind.keyed() ? ", PRIMARY KEY (" + db.q("day") + ", customer_id)" : "") + ")");
    db.exec("INSERT INTO daily VALUES (DATE '2023-12-31', 9, 999)");
  }

  Backfill.Builder<Object> builder(Kind kind, String version) {
    return Backfill.builder("daily").partitioning(Partitioning.daily(ZoneOffset.UTC)).token("v", version)
        .strategy(kind.strategy).stateStore(store);
  }

  Backfill<?> backfill(Kind kind, Path path, String version, SliceCheck... checks) {
    Backfill.Builder<?> b = builder(kind, version);
    if (path == Path.RECORDS) {
      Backfill.Builder<Row> records = b.source(source(version)).destination(JdbcDestination.table(db.dataSource(), "daily"));
      for (SliceCheck c : checks) {
        records.check(c);
      }
      return records.build();
    }
    Backfill.Builder<Object> pushdown = builder(kind, version).destination(JdbcDestination.table(db.dataSource(), "daily")
        .fromQuery("SELECT " + db.q("day") + ", customer_id, revenue FROM src WHERE version = :v"
            + " AND " + db.q("day") + " BETWEEN :start_date AND :end_date"));
    for (SliceCheck c : checks) {
      pushdown.check(c);
    }
    return pushdown.build();
  }

  JdbcSource<Row> source(String version) {
    return JdbcSource.query(db.dataSource(), "SELECT " + db.q("day") + ", customer_id, revenue FROM src"
        + " WHERE version = :v AND " + db.q("day") + " BETWEEN :start_date AND :end_date"
        + " ORDER BY " + db.q("day") + ", customer_id");
  }

  static ExecutionOptions options() {
    return ExecutionOptions.builder().maxConcurrency(1).writeBatchSize(1).retry(RetryPolicy.none()).build();
  }

  RunReport execute(Backfill<?> backfill) {
    return backfill.execute(backfill.plan(RANGE, PlanOptions.defaults().select(Selection.RESTATE)), options()).await();
  }

  List<String> destination() {
    return db.lines("SELECT " + db.q("day") + ", customer_id, revenue FROM daily ORDER BY "
        + db.q("day") + ", customer_id, revenue");
  }

  SliceStatus historyStatus(String runId, String key) {
    return store.slices(runId).stream().filter(s -> s.key().equals(key)).findFirst().orElseThrow().status();
  }

  PartitionState partitionState(String key) {
    List<PartitionState> found = new ArrayList<>();
    store.forEachPartitionState("daily", s -> {
      if (s.key().equals(key)) {
        found.add(s);
      }
    });
    return found.get(0);
  }

  /** Rows of a version for a day, as "day|customer|revenue" (the NULL row of 'bad' is added apart). */
  static List<String> data(String version, LocalDate day) {
    List<String> rows = new ArrayList<>();
    int dom = day.getDayOfMonth();
    int customers = version.equals("v1") ? 3 : 2;
    for (int c = 1; c <= customers; c++) {
      long revenue = version.equals("v1") ? dom * 100L + c : dom * 1000L + c;
      if (version.equals("neg") && day.equals(D2) && c == 2) {
        revenue = -1;
      }
      rows.add(day + "|" + c + "|" + revenue);
    }
    return rows;
  }

  static List<List<String>> slices(String version, LocalDate... days) {
    return Stream.of(days).map(d -> data(version, d)).toList();
  }

  /**
   * A reference model of each strategy: the destination after committing slices (in order) on top of
   * {@code before}; a full rebuild replaces everything only when its run succeeded.
   */
  static List<String> expected(Kind kind, List<String> before, List<List<String>> committed, boolean runSucceeded) {
    List<String> table = new ArrayList<>(before);
    if (kind == Kind.FULL_REBUILD) {
      if (runSucceeded) {
        table.clear();
        committed.forEach(table::addAll);
      }
    } else {
      for (List<String> slice : committed) {
        String day = slice.get(0).substring(0, 10);
        switch (kind) {
          case APPEND -> { }
          case OVERWRITE, MERGE_DELETING_MISSING -> table.removeIf(r -> r.startsWith(day + "|"));
          case MERGE -> slice.forEach(n -> table.removeIf(r -> r.startsWith(n.substring(0, n.lastIndexOf('|') + 1))));
          default -> throw new IllegalStateException();
        }
        table.addAll(slice);
      }
    }
    table.sort(AbstractJdbcDestinationTest::byDayCustomerRevenue);
    return table;
  }

  private static int byDayCustomerRevenue(String a, String b) {
    String[] x = a.split("\\|");
    String[] y = b.split("\\|");
    int c = x[0].compareTo(y[0]);
    if (c == 0) {
      c = Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
    }
    return c != 0 ? c : Long.compare(Long.parseLong(x[2]), Long.parseLong(y[2]));
  }

  void insertSrc(List<Object[]> rows) {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("INSERT INTO src (version, " + db.q("day")
            + ", customer_id, revenue) VALUES (?, ?, ?, ?)")) {
      for (Object[] r : rows) {
        for (int i = 0; i < r.length; i++) {
          ps.setObject(i + 1, r[i]);
        }
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Another DataSource instance over the same database, so the store cannot join the writers' transactions. */
  static class OtherDataSource implements DataSource {
    private final DataSource delegate;

    OtherDataSource(DataSource delegate) {
      this.delegate = delegate;
    }

    @Override
    public Connection getConnection() throws SQLException {
      return delegate.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      return delegate.getConnection(username, password);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
      return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
      delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
      delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
      return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
      return delegate.isWrapperFor(iface);
    }
  }
}
