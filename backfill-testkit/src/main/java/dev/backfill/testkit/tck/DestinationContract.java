package dev.backfill.testkit.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.ExecutionOptions;
import dev.backfill.InMemoryStateStore;
import dev.backfill.Partition;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.PlanOptions;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.Selection;
import dev.backfill.Slice;
import dev.backfill.SliceCheck;
import dev.backfill.SliceStats;
import dev.backfill.SliceStatus;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.RunContext;
import dev.backfill.spi.RunOutcome;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SliceWriter;
import dev.backfill.spi.SourceNode;
import dev.backfill.spi.StateStore;
import dev.backfill.testkit.BackfillAssertions;
import dev.backfill.testkit.Failures;
import dev.backfill.testkit.Faults;
import dev.backfill.testkit.InMemorySource;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.AssertionFailedError;

/**
 * The contract every {@link DestinationNode} must honour (a TCK, as micrometer-test's compatibility
 * kit is for meter registries): extend it once per destination and engine, supply a fresh empty
 * destination and a way to read what its readers see, and every write strategy you support is
 * checked for first runs, idempotent re-runs, slice atomicity, rollback on failures and failed
 * checks, and the atomic full-rebuild swap.
 *
 * <pre>{@code
 * class PostgresTableContractTest extends DestinationContract {
 *   private final String table = "contract_" + randomSuffix();
 *
 *   protected DestinationNode<Row> createDestination() throws SQLException {
 *     exec("CREATE TABLE " + table + " (day DATE NOT NULL, id BIGINT NOT NULL, note VARCHAR(100))");
 *     return JdbcDestination.table(dataSource, table);
 *   }
 *
 *   protected DestinationNode<Row> createKeyedDestination() throws SQLException {   // ON CONFLICT (id)
 *     exec("CREATE TABLE " + table + " (day DATE NOT NULL, id BIGINT PRIMARY KEY, note VARCHAR(100))");
 *     return JdbcDestination.table(dataSource, table);
 *   }
 *
 *   protected List<Row> readRows() throws SQLException {
 *     return query("SELECT day, id, note FROM " + table);     // through another connection
 *   }
 *
 *   protected void dropDestination() throws SQLException {
 *     exec("DROP TABLE IF EXISTS " + table);
 *   }
 * }
 * }</pre>
 *
 * <p>The contract's table has three columns: {@code day} (a date; the partition column, daily in UTC),
 * {@code id} (a 64-bit integer; the merge key, unique across days) and {@code note} (text, nullable).
 * Rows are written as {@link Row}s holding a {@link LocalDate}, a {@link Long} and a {@link String};
 * rows read back may hold any reasonable mapping ({@code java.sql.Date}, {@code Integer}, upper-case
 * column names) and are normalised before comparison. Each test gets its own destination from
 * {@link #createDestination()} ({@link #createKeyedDestination()} for the tests that merge by id;
 * JUnit creates one instance per test method) and its own state store from {@link #createStateStore()};
 * nothing is shared between tests, so subclasses may run on a shared database as long as their
 * tables are their own.
 *
 * <p>A guarantee that several strategies share is one parameterised test, run and reported once per
 * strategy ({@code commitIsAtomic} for {@code append}, {@code overwritePartition(day)} and
 * {@code merge(id)}); the runs of strategies missing from {@link #supportedStrategies()} are skipped.
 */
public abstract class DestinationContract {
  /** The target name the contract's backfills use. */
  protected static final String TARGET = "contract_target";
  /** The contract's partitioning: days in UTC, dimension {@code day}. */
  protected static final Partitioning DAILY = Partitioning.daily(ZoneOffset.UTC);

  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

  private @Nullable DestinationNode<Row> destination;
  private @Nullable StateStore store;
  private boolean fixtureStarted;

  /** Creates the contract; subclasses need a no-argument constructor for JUnit. */
  protected DestinationContract() {}

  /**
   * Creates a fresh, empty destination for one test: a table (or whatever the destination writes to)
   * with columns {@code day} (date), {@code id} (bigint) and {@code note} (nullable text), that no
   * other test uses.
   *
   * @return the destination under test
   * @throws Exception when it cannot be created
   */
  protected abstract DestinationNode<Row> createDestination() throws Exception;

  /**
   * Reads every row a reader of the destination created for this test sees now, through a separate
   * read path (another connection), so that uncommitted data would not show.
   *
   * @return the visible rows, in any order
   * @throws Exception when the read fails
   */
  protected abstract List<Row> readRows() throws Exception;

  /**
   * Creates the destination for the tests that merge by {@code id}: by default the same as
   * {@link #createDestination()}. Override it when your merge needs {@code id} declared unique (a
   * primary key for PostgreSQL's {@code INSERT ... ON CONFLICT} or MariaDB's
   * {@code ON DUPLICATE KEY UPDATE}); the other tests write an id twice (an append re-run), so their
   * destination must not declare it unique.
   *
   * @return the destination under test, with {@code id} unique
   * @throws Exception when it cannot be created
   */
  protected DestinationNode<Row> createKeyedDestination() throws Exception {
    return createDestination();
  }

  /**
   * Drops what {@link #createDestination()} created; called after each test.
   *
   * @throws Exception when cleaning up fails
   */
  protected void dropDestination() throws Exception {}

  /**
   * Returns the strategies this destination supports; tests of the others are skipped.
   *
   * @return supported strategy types (default: all four)
   */
  protected Set<Class<? extends WriteStrategy>> supportedStrategies() {
    return Set.of(WriteStrategy.Append.class, WriteStrategy.OverwritePartition.class, WriteStrategy.Merge.class,
        WriteStrategy.FullRebuild.class);
  }

  /**
   * Tells whether {@code merge(...).deletingMissingWithin(...)} is supported.
   *
   * @return true by default
   */
  protected boolean supportsDeletingMissing() {
    return true;
  }

  /**
   * Tells whether {@code merge(...).newerBy(column)} is supported (the contract orders rows by
   * {@code day}).
   *
   * @return true by default
   */
  protected boolean supportsMergeNewerBy() {
    return true;
  }

  /**
   * Creates the state store of a test's runs. Override to run the contract's runs with your own store
   * (for example a JDBC store sharing the destination's data source, for exactly-once).
   *
   * @return a fresh store
   * @throws Exception when it cannot be created
   */
  protected StateStore createStateStore() throws Exception {
    return new InMemoryStateStore();
  }

  /**
   * Returns the destination created for the current test.
   *
   * @return the destination under test
   */
  protected final DestinationNode<Row> destination() {
    DestinationNode<Row> d = destination;
    assertNotNull(d, "createDestination() has not run");
    return d;
  }

  @BeforeEach
  final void createContractFixture(TestInfo test) throws Exception {
    Method method = test.getTestMethod().orElseThrow();
    // the contract's tests parameterised by strategy create theirs in given(strategy), once they
    // know whether it must be keyed
    boolean perStrategy = method.getDeclaringClass() == DestinationContract.class
        && method.isAnnotationPresent(ParameterizedTest.class);
    if (!perStrategy) {
      create(method.isAnnotationPresent(MergesById.class));
    }
  }

  @AfterEach
  final void dropContractFixture() throws Exception {
    if (fixtureStarted) {
      dropDestination();
    }
  }

  /**
   * Skips the test unless this destination supports the strategy, then creates the test's
   * destination and store: the keyed destination for a merge by {@code id}.
   */
  private void given(WriteStrategy strategy) throws Exception {
    assumeSupported(strategy.getClass());
    create(strategy instanceof WriteStrategy.Merge);
  }

  private void create(boolean keyed) throws Exception {
    fixtureStarted = true; // from here on dropDestination() runs, even when creating fails half-way
    destination = keyed ? createKeyedDestination() : createDestination();
    assertNotNull(destination, "createDestination() returned null");
    store = createStateStore();
  }

  /** Marks the tests that merge by {@code id}; they get {@link #createKeyedDestination()}. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  private @interface MergesById {}

  // ---------------------------------------------------------------- first runs and re-runs

  @ParameterizedTest(name = "{0}")
  @MethodSource("strategies")
  void writesEveryRowOfTheFirstRun(WriteStrategy strategy) throws Exception {
    given(strategy);
    InMemorySource<Row> v1 = data("2024-03-01", "2024-03-05", 3, "v1");

    succeed(run(strategy, v1, "2024-03-01", "2024-03-05"));

    assertVisible(v1, "2024-03-01", "2024-03-05", strategy.describe() + ", first run");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("idempotentStrategies")
  void rerunLeavesTheContentUnchanged(WriteStrategy strategy) throws Exception {
    given(strategy);
    InMemorySource<Row> v1 = data("2024-03-01", "2024-03-05", 3, "v1");
    succeed(run(strategy, v1, "2024-03-01", "2024-03-05"));
    List<Row> afterFirst = visible();

    succeed(run(strategy, v1, "2024-03-01", "2024-03-05"));

    assertRows(afterFirst, strategy.describe() + " re-run of the same slices must leave the content unchanged");
  }

  @Test
  void appendWritesTheRowsAgainWhenASliceRunsAgain() throws Exception {
    assumeSupported(WriteStrategy.Append.class);
    InMemorySource<Row> v1 = data("2024-03-01", "2024-03-03", 2, "v1");
    succeed(run(WriteStrategy.append(), v1, "2024-03-01", "2024-03-03"));

    succeed(run(WriteStrategy.append(), v1, "2024-03-02", "2024-03-02"));

    List<Row> expected = new ArrayList<>(expected(v1, "2024-03-01", "2024-03-03"));
    expected.addAll(expected(v1, "2024-03-02", "2024-03-02"));
    assertRows(expected, "append is not idempotent: a re-run slice is written twice");
  }

  @Test
  void overwriteReplacesOnlyTheSlicesPartitions() throws Exception {
    assumeSupported(WriteStrategy.OverwritePartition.class);
    InMemorySource<Row> v1 = data("2024-03-01", "2024-03-05", 3, "v1");
    succeed(run(WriteStrategy.overwritePartition("day"), v1, "2024-03-01", "2024-03-05"));
    // new ids for the day: old rows can only go away if the overwrite deletes them
    InMemorySource<Row> v2 = InMemorySource.rows()
        .add("2024-03-03", row("2024-03-03", 9_001, "v2"), row("2024-03-03", 9_002, "v2"));

    succeed(run(WriteStrategy.overwritePartition("day"), v2, "2024-03-03", "2024-03-03"));

    List<Row> expected = new ArrayList<>();
    expected.addAll(expected(v1, "2024-03-01", "2024-03-02"));
    expected.addAll(v2.records("2024-03-03"));
    expected.addAll(expected(v1, "2024-03-04", "2024-03-05"));
    assertRows(expected, "overwritePartition(day) of 2024-03-03 must replace that day's rows and keep the others");
  }

  @Test
  void overwriteOfABatchedSliceReplacesItsWholeSpan() throws Exception {
    assumeSupported(WriteStrategy.OverwritePartition.class);
    InMemorySource<Row> v1 = data("2024-03-01", "2024-03-06", 2, "v1");
    succeed(run(WriteStrategy.overwritePartition("day"), v1, "2024-03-01", "2024-03-06"));
    InMemorySource<Row> v2 = data("2024-03-01", "2024-03-06", 1, "v2").replace("2024-03-02", List.of());

    RunReport report = run(WriteStrategy.overwritePartition("day"), v2, "2024-03-01", "2024-03-06", 3,
        ExecutionOptions.defaults());

    succeed(report);
    assertEquals(2, report.slices().size(), "batchSize 3 over 6 days makes 2 slices");
    assertRows(expected(v2, "2024-03-01", "2024-03-06"),
        "overwritePartition(day) of slice 2024-03-01..2024-03-03 must replace all three days, including 2024-03-02 "
            + "for which the slice has no rows");
  }

  @Test
  @MergesById
  void mergeUpdatesRowsByKeyAndKeepsTheOthers() throws Exception {
    assumeSupported(WriteStrategy.Merge.class);
    InMemorySource<Row> v1 = data("2024-03-01", "2024-03-03", 3, "v1");
    succeed(run(WriteStrategy.merge("id"), v1, "2024-03-01", "2024-03-03"));
    long changed = id("2024-03-02", 2);
    InMemorySource<Row> v2 = InMemorySource.rows()
        .add("2024-03-02", row("2024-03-02", changed, "v2"), row("2024-03-02", 9_001, "new"));

    succeed(run(WriteStrategy.merge("id"), v2, "2024-03-02", "2024-03-02"));

    List<Row> expected = new ArrayList<>();
    for (Row r : expected(v1, "2024-03-01", "2024-03-03")) {
      expected.add(((Long) r.get("id")) == changed ? row("2024-03-02", changed, "v2") : r);
    }
    expected.add(row("2024-03-02", 9_001, "new"));
    assertRows(expected, "merge(id) must update id " + changed + ", insert id 9001 and keep every other row");
  }

  @Test
  @MergesById
  void mergeDeletingMissingWithinRemovesKeysTheSliceNoLongerHas() throws Exception {
    assumeSupported(WriteStrategy.Merge.class);
    assumeTrue(supportsDeletingMissing(), "merge(...).deletingMissingWithin(...) not supported");
    InMemorySource<Row> v1 = data("2024-03-01", "2024-03-03", 3, "v1");
    WriteStrategy strategy = WriteStrategy.merge("id").deletingMissingWithin("day");
    succeed(run(strategy, v1, "2024-03-01", "2024-03-03"));
    long kept = id("2024-03-02", 2);
    InMemorySource<Row> v2 = InMemorySource.rows().add("2024-03-02", row("2024-03-02", kept, "v2"));

    succeed(run(strategy, v2, "2024-03-02", "2024-03-02"));

    List<Row> expected = new ArrayList<>();
    expected.addAll(expected(v1, "2024-03-01", "2024-03-01"));
    expected.add(row("2024-03-02", kept, "v2"));
    expected.addAll(expected(v1, "2024-03-03", "2024-03-03"));
    assertRows(expected, strategy.describe() + " must delete the keys of 2024-03-02 the slice no longer has, and only those");
  }

  @Test
  @MergesById
  void mergeNewerByKeepsTheNewerRowWhenAnOlderSliceCommitsLater() throws Exception {
    assumeNewerBy();
    WriteStrategy strategy = WriteStrategy.merge("id").newerBy("day");
    InMemorySource<Row> changes = changesOfOneId(7, "2024-03-01", "2024-03-02", "2024-03-03");
    succeed(run(strategy, changes, "2024-03-03", "2024-03-03"));

    succeed(run(strategy, changes, "2024-03-01", "2024-03-02"));

    assertRows(List.of(row("2024-03-03", 7, "as of 2024-03-03")), strategy.describe()
        + ": the row of 2024-03-03 is newer than those of the slices that committed after it, so it must stay");
  }

  @Test
  @MergesById
  void mergeNewerByReplacesARowThatIsNotNewerAndARerunChangesNothing() throws Exception {
    assumeNewerBy();
    WriteStrategy strategy = WriteStrategy.merge("id").newerBy("day");
    InMemorySource<Row> changes = changesOfOneId(7, "2024-03-01", "2024-03-02", "2024-03-03")
        .add("2024-03-03", row("2024-03-03", 8, "only on 2024-03-03"));
    succeed(run(strategy, changes, "2024-03-01", "2024-03-02"));
    assertRows(List.of(row("2024-03-02", 7, "as of 2024-03-02")), strategy.describe() + " in day order");

    succeed(run(strategy, changes, "2024-03-03", "2024-03-03"));
    succeed(run(strategy, changes, "2024-03-03", "2024-03-03"));

    assertRows(List.of(row("2024-03-03", 7, "as of 2024-03-03"), row("2024-03-03", 8, "only on 2024-03-03")),
        strategy.describe() + ": a newer row replaces an older one, a new key is inserted, and re-running the slice"
            + " (equal ordering values) leaves the content unchanged");
  }

  @Test
  @MergesById
  void mergeNewerByEndsAtTheNewestRowsWhateverOrderSlicesCommitIn() throws Exception {
    assumeNewerBy();
    WriteStrategy strategy = WriteStrategy.merge("id").newerBy("day");
    InMemorySource<Row> changes = InMemorySource.rows();
    for (LocalDate d = LocalDate.parse("2024-03-01"); !d.isAfter(LocalDate.parse("2024-03-12")); d = d.plusDays(1)) {
      List<Row> rows = new ArrayList<>();
      for (long id = 1; id <= 5; id++) {
        rows.add(row(d.toString(), id, "as of " + d));
      }
      changes.add(d.toString(), rows);
    }
    Backfill<Row> backfill = backfill(strategy, changes);
    succeed(await(backfill.execute(backfill.plan(PartitionRange.of("2024-03-01", "2024-03-12"), PlanOptions.defaults()
        .select(Selection.RESTATE).order(PlanOptions.Order.NEWEST_FIRST).estimateRows(false)),
        ExecutionOptions.builder().maxConcurrency(3).build())));

    assertVisible(changes, "2024-03-12", "2024-03-12", strategy.describe() + " run newest first with 3 slices in flight");
  }

  @Test
  void fullRebuildReplacesTheWholeTable() throws Exception {
    assumeSupported(WriteStrategy.FullRebuild.class);
    succeed(run(WriteStrategy.fullRebuild(), data("2024-03-01", "2024-03-05", 2, "v1"), "2024-03-01", "2024-03-05"));
    InMemorySource<Row> v2 = data("2024-03-01", "2024-03-03", 1, "v2");

    succeed(run(WriteStrategy.fullRebuild(), v2, "2024-03-01", "2024-03-03"));

    assertRows(expected(v2, "2024-03-01", "2024-03-03"),
        "fullRebuild must replace the whole table: rows of days the rebuild no longer covers go away");
  }

  @Test
  void failedFullRebuildLeavesTheLiveTableUntouched() throws Exception {
    assumeSupported(WriteStrategy.FullRebuild.class);
    succeed(run(WriteStrategy.fullRebuild(), data("2024-03-01", "2024-03-05", 2, "v1"), "2024-03-01", "2024-03-05"));
    List<Row> before = visible();
    SourceNode<Row> failing = Faults.source(data("2024-03-01", "2024-03-05", 1, "v2"))
        .failPartition("2024-03-04", 1, Failures.bug("upstream bug"));

    RunReport report = run(WriteStrategy.fullRebuild(), failing, "2024-03-01", "2024-03-05", 1, noRetries());

    assertEquals(RunStatus.FAILED, report.status(), "the rebuild with a failing slice must fail: " + report.summary());
    assertRows(before, "a failed fullRebuild must leave the live table exactly as it was");
  }

  @Test
  void fullRebuildWithAFailingCheckIsNotSwapped() throws Exception {
    assumeSupported(WriteStrategy.FullRebuild.class);
    succeed(run(WriteStrategy.fullRebuild(), data("2024-03-01", "2024-03-03", 2, "v1"), "2024-03-01", "2024-03-03"));
    List<Row> before = visible();
    InMemorySource<Row> v2 = data("2024-03-01", "2024-03-03", 2, "v2").replace("2024-03-02",
        List.of(row("2024-03-02", id("2024-03-02", 1), "v2")));

    RunReport report = run(WriteStrategy.fullRebuild(), v2, "2024-03-01", "2024-03-03", 1, noRetries(),
        SliceCheck.minRows(2));

    assertEquals(SliceStatus.FAILED_CHECK, status(report, "2024-03-02"), report.summary());
    assertRows(before, "a fullRebuild with a slice failing its check must not be swapped in");
  }

  @Test
  void fullRebuildIsInvisibleUntilTheSwap() throws Exception {
    assumeSupported(WriteStrategy.FullRebuild.class);
    succeed(run(WriteStrategy.fullRebuild(), data("2024-03-01", "2024-03-03", 2, "v1"), "2024-03-01", "2024-03-03"));
    List<Row> before = visible();
    InMemorySource<Row> v2 = data("2024-03-01", "2024-03-03", 3, "v2");
    WriteStrategy rebuild = WriteStrategy.fullRebuild();
    RunContext run = new RunContext("contract-swap-" + suffix(), TARGET, rebuild, DAILY, false);

    destination().beginRun(run);
    int index = 0;
    for (String day : List.of("2024-03-01", "2024-03-02", "2024-03-03")) {
      Slice slice = slice(index++, day);
      SliceWriter<Row> writer = destination().open(slice, rebuild, context(run.runId(), slice));
      writer.write(v2.records(day));
      writer.commit();
      assertRows(before, "after committing rebuild slice " + day + " readers must still see the old table");
    }
    destination().finishRun(run, new RunOutcome(true, "succeeded"));

    assertVisible(v2, "2024-03-01", "2024-03-03", "after finishRun(succeeded) readers must see the whole new table");
  }

  @Test
  void resumedFullRebuildKeepsWhatItsSlicesAlreadyWrote() throws Exception {
    assumeSupported(WriteStrategy.FullRebuild.class);
    succeed(run(WriteStrategy.fullRebuild(), data("2024-03-01", "2024-03-04", 1, "v1"), "2024-03-01", "2024-03-04"));
    InMemorySource<Row> v2 = data("2024-03-01", "2024-03-04", 2, "v2");
    Backfill<Row> backfill = backfill(WriteStrategy.fullRebuild(),
        Faults.source(v2).failPartition("2024-03-03", 1, Failures.bug("upstream bug")));
    RunReport failed = await(backfill.execute(plan(backfill, "2024-03-01", "2024-03-04", 1), noRetries()));
    assertEquals(RunStatus.FAILED, failed.status(), failed.summary());

    RunReport resumed = await(backfill.resume(failed.runId(), noRetries()));

    succeed(resumed);
    assertRows(expected(v2, "2024-03-01", "2024-03-04"),
        "the resumed rebuild ran only 2024-03-03; the swapped table must still hold what the other slices wrote "
            + "in the first session (the shadow is kept for a resume)");
  }

  // ---------------------------------------------------------------- slice atomicity, per strategy

  @Test
  void abortedFullRebuildSliceIsNotInTheSwappedTable() throws Exception {
    assumeSupported(WriteStrategy.FullRebuild.class);
    WriteStrategy rebuild = WriteStrategy.fullRebuild();
    RunContext run = new RunContext("contract-abort-rebuild-" + suffix(), TARGET, rebuild, DAILY, false);
    destination().beginRun(run);
    Slice first = slice(0, "2024-03-01");
    SliceWriter<Row> aborted = destination().open(first, rebuild, context(run.runId(), first));
    aborted.write(List.of(row("2024-03-01", 9_001, "aborted")));
    aborted.abort();
    SliceWriter<Row> retried = destination().open(first, rebuild, context(run.runId(), first));
    retried.write(List.of(row("2024-03-01", 1, "kept")));
    retried.commit();

    destination().finishRun(run, new RunOutcome(true, "succeeded"));

    assertRows(List.of(row("2024-03-01", 1, "kept")), "an aborted rebuild attempt must leave nothing in the shadow");
  }

  @Test
  void writerReportsRowsAndNullsOfTheSlice() throws Exception {
    WriteStrategy strategy = anyStrategy();
    Slice slice = slice(0, "2024-03-22");
    RunContext run = new RunContext("contract-stats-" + suffix(), TARGET, strategy, DAILY, false);
    destination().beginRun(run);
    SliceWriter<Row> writer = destination().open(slice, strategy, context(run.runId(), slice));
    writer.write(List.of(row("2024-03-22", 1, "a"), row("2024-03-22", 2, null)));
    writer.write(List.of(row("2024-03-22", 3, "c")));

    SliceStats stats = writer.stats();
    writer.abort();

    assertEquals(3, stats.rows(), strategy.describe() + ": stats().rows() must count the slice's rows");
    assertEquals(Optional.of(1L), Optional.ofNullable(nullsOf(stats, "note")),
        strategy.describe() + ": stats() must count nulls per column (note has 1 null): " + stats);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("perSliceStrategies")
  void commitIsAtomic(WriteStrategy strategy) throws Exception {
    given(strategy);
    succeed(run(strategy, data("2024-03-01", "2024-03-02", 2, "v1"), "2024-03-01", "2024-03-02"));
    List<Row> before = visible();
    Slice slice = slice(0, "2024-03-10");
    SliceWriter<Row> writer = destination().open(slice, strategy, context("contract-visible", slice));
    List<Row> rows = List.of(row("2024-03-10", id("2024-03-10", 1), "new"), row("2024-03-10", id("2024-03-10", 2), null));
    writer.write(rows.subList(0, 1));
    writer.write(rows.subList(1, 2));
    writer.stats();
    assertRows(before, strategy.describe() + ": rows written but not committed must not be visible");

    writer.commit();

    List<Row> after = new ArrayList<>(before);
    after.addAll(rows);
    assertRows(after, strategy.describe() + ": after commit all of the slice's rows must be visible");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("perSliceStrategies")
  void abortLeavesNothing(WriteStrategy strategy) throws Exception {
    given(strategy);
    succeed(run(strategy, data("2024-03-01", "2024-03-02", 2, "v1"), "2024-03-01", "2024-03-02"));
    List<Row> before = visible();
    Slice slice = slice(0, "2024-03-02");
    SliceWriter<Row> writer = destination().open(slice, strategy, context("contract-abort", slice));
    writer.write(List.of(row("2024-03-02", 9_001, "aborted"), row("2024-03-02", id("2024-03-02", 1), "aborted")));

    writer.abort();

    assertRows(before, strategy.describe() + ": an aborted slice must leave the destination as it was");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("perSliceStrategies")
  void abortIsIdempotentAndCallableFromAnotherThread(WriteStrategy strategy) throws Exception {
    given(strategy);
    succeed(run(strategy, data("2024-03-01", "2024-03-02", 2, "v1"), "2024-03-01", "2024-03-02"));
    List<Row> before = visible();
    Slice slice = slice(0, "2024-03-20");
    SliceWriter<Row> writer = destination().open(slice, strategy, context("contract-abort-thread", slice));
    writer.write(List.of(row("2024-03-20", 9_020, "aborted")));

    CompletableFuture.runAsync(writer::abort).get(30, TimeUnit.SECONDS);
    CompletableFuture.runAsync(writer::abort).get(30, TimeUnit.SECONDS);
    writer.abort();

    assertRows(before, strategy.describe() + ": abort from another thread, repeated, must leave nothing and not throw");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("perSliceStrategies")
  void abortAfterCommitChangesNothing(WriteStrategy strategy) throws Exception {
    given(strategy);
    List<Row> before = visible();
    Slice slice = slice(0, "2024-03-21");
    SliceWriter<Row> writer = destination().open(slice, strategy, context("contract-abort-after-commit", slice));
    Row row = row("2024-03-21", 9_021, "committed");
    writer.write(List.of(row));
    writer.commit();

    writer.abort();

    List<Row> after = new ArrayList<>(before);
    after.add(row);
    assertRows(after, strategy.describe() + ": abort after commit must be a no-op");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("perSliceStrategies")
  void sliceFailingMidWayLeavesNothingOfIt(WriteStrategy strategy) throws Exception {
    given(strategy);
    succeed(run(strategy, data("2024-03-01", "2024-03-03", 3, "v1"), "2024-03-01", "2024-03-03"));
    List<Row> before = visible();
    SourceNode<Row> failing = Faults.source(data("2024-03-01", "2024-03-03", 3, "v2"))
        .failPartitionAfterRecords("2024-03-02", 1, 2, Failures::undefinedTable);

    RunReport report = run(strategy, failing, "2024-03-02", "2024-03-02", 1,
        noRetries().toBuilder().writeBatchSize(1).build());

    assertEquals(SliceStatus.FAILED, status(report, "2024-03-02"), report.summary());
    assertRows(before, strategy.describe() + ": a slice failing after two of its rows were written must leave nothing");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("perSliceStrategies")
  void failingCheckRollsTheSliceBack(WriteStrategy strategy) throws Exception {
    given(strategy);
    succeed(run(strategy, data("2024-03-01", "2024-03-03", 3, "v1"), "2024-03-01", "2024-03-03"));
    List<Row> before = visible();
    InMemorySource<Row> v2 = data("2024-03-01", "2024-03-03", 3, "v2")
        .replace("2024-03-02", List.of(row("2024-03-02", 9_002, "v2")));

    RunReport report = run(strategy, v2, "2024-03-02", "2024-03-02", 1, noRetries(), SliceCheck.minRows(2));

    assertEquals(SliceStatus.FAILED_CHECK, status(report, "2024-03-02"), report.summary());
    assertRows(before, strategy.describe() + ": a slice failing its check must leave the destination as it was");
  }

  @Test
  void slicesWrittenConcurrentlyAllCommit() throws Exception {
    WriteStrategy strategy = incrementalStrategies().get(0);
    InMemorySource<Row> v1 = data("2024-03-01", "2024-03-20", 5, "v1");

    succeed(run(strategy, v1, "2024-03-01", "2024-03-20", 1, ExecutionOptions.builder().maxConcurrency(4).build()));

    assertVisible(v1, "2024-03-01", "2024-03-20", strategy.describe() + " with 4 slices in flight");
  }

  // ---------------------------------------------------------------- helpers for subclasses and tests

  /**
   * Creates a contract row.
   *
   * @param day the day, {@code YYYY-MM-DD}
   * @param id the id
   * @param note the note, or null
   * @return the row
   */
  protected static Row row(String day, long id, @Nullable String note) {
    return Row.of("day", LocalDate.parse(day), "id", id, "note", note);
  }

  /**
   * Returns the id the contract's generated data gives to the n-th row of a day.
   *
   * @param day the day
   * @param n row number from 1
   * @return the id, unique across days
   */
  protected static long id(String day, int n) {
    return LocalDate.parse(day).toEpochDay() * 1_000 + n;
  }

  /**
   * Converts a row read from the destination to the contract's form: {@code day} as
   * {@link LocalDate}, {@code id} as {@link Long}, {@code note} as {@link String}; column names match
   * case-insensitively and other columns are dropped.
   *
   * @param read a row as read
   * @return the normalised row
   */
  protected static Row normalize(Row read) {
    Object day = column(read, "day");
    Object id = column(read, "id");
    Object note = column(read, "note");
    LocalDate d;
    if (day instanceof LocalDate ld) {
      d = ld;
    } else if (day instanceof java.sql.Date sd) {
      d = sd.toLocalDate();
    } else if (day instanceof LocalDateTime ldt) {
      d = ldt.toLocalDate();
    } else {
      d = LocalDate.parse(String.valueOf(day).substring(0, 10));
    }
    long i = id instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(id));
    return Row.of("day", d, "id", i, "note", note == null ? null : note.toString());
  }

  private static @Nullable Object column(Row row, String name) {
    for (String c : row.columns()) {
      if (c.toLowerCase(Locale.ROOT).equals(name)) {
        return row.get(c);
      }
    }
    throw new AssertionError("row read from the destination has no column '" + name + "': " + row);
  }

  private static @Nullable Long nullsOf(SliceStats stats, String column) {
    for (var e : stats.nulls().entrySet()) {
      if (e.getKey().toLowerCase(Locale.ROOT).equals(column)) {
        return e.getValue();
      }
    }
    return null;
  }

  private void assumeNewerBy() {
    assumeSupported(WriteStrategy.Merge.class);
    assumeTrue(supportsMergeNewerBy(), "merge(...).newerBy(...) not supported");
  }

  /** One row of {@code id} per day, noted with the day it is as of. */
  private static InMemorySource<Row> changesOfOneId(long id, String... days) {
    InMemorySource<Row> source = InMemorySource.rows();
    for (String day : days) {
      source.add(day, row(day, id, "as of " + day));
    }
    return source;
  }

  private void assumeSupported(Class<? extends WriteStrategy> strategy) {
    assumeTrue(supportedStrategies().contains(strategy), strategy.getSimpleName() + " not supported by this destination");
  }

  /** Every strategy; the tests of a strategy this destination does not support are skipped. */
  private static Stream<Named<WriteStrategy>> strategies() {
    return Stream.concat(perSliceStrategies(), Stream.of(named(WriteStrategy.fullRebuild())));
  }

  /** The strategies whose slices become visible at their own commit (a full rebuild's at the swap). */
  private static Stream<Named<WriteStrategy>> perSliceStrategies() {
    return Stream.of(WriteStrategy.overwritePartition("day"), WriteStrategy.merge("id"), WriteStrategy.append())
        .map(DestinationContract::named);
  }

  /** The strategies for which re-running a committed slice leaves the destination unchanged. */
  private static Stream<Named<WriteStrategy>> idempotentStrategies() {
    return strategies().filter(s -> s.getPayload().idempotent());
  }

  /** Names a strategy as reports show it: {@code overwritePartition(day)}, {@code merge(id)}. */
  private static Named<WriteStrategy> named(WriteStrategy strategy) {
    return Named.of(strategy.describe(), strategy);
  }

  /** The strategies whose slices are visible at their own commit, that this destination supports. */
  private List<WriteStrategy> incrementalStrategies() {
    List<WriteStrategy> strategies = perSliceStrategies().map(Named::getPayload)
        .filter(s -> supportedStrategies().contains(s.getClass())).toList();
    assumeTrue(!strategies.isEmpty(), "no strategy with per-slice visibility supported");
    return strategies;
  }

  private WriteStrategy anyStrategy() {
    Set<Class<? extends WriteStrategy>> s = supportedStrategies();
    return s.contains(WriteStrategy.OverwritePartition.class) || s.contains(WriteStrategy.Merge.class)
        || s.contains(WriteStrategy.Append.class) ? incrementalStrategies().get(0) : WriteStrategy.fullRebuild();
  }

  private static InMemorySource<Row> data(String first, String last, int perDay, String note) {
    InMemorySource<Row> source = InMemorySource.rows();
    for (LocalDate d = LocalDate.parse(first); !d.isAfter(LocalDate.parse(last)); d = d.plusDays(1)) {
      List<Row> rows = new ArrayList<>();
      for (int i = 1; i <= perDay; i++) {
        rows.add(row(d.toString(), id(d.toString(), i), note));
      }
      source.add(d.toString(), rows);
    }
    return source;
  }

  private static List<Row> expected(InMemorySource<Row> source, String first, String last) {
    List<Row> rows = new ArrayList<>();
    for (LocalDate d = LocalDate.parse(first); !d.isAfter(LocalDate.parse(last)); d = d.plusDays(1)) {
      rows.addAll(source.records(d.toString()));
    }
    return rows;
  }

  private Backfill<Row> backfill(WriteStrategy strategy, SourceNode<Row> source, SliceCheck... checks) {
    Backfill.Builder<Row> b = Backfill.builder(TARGET)
        .partitioning(DAILY)
        .source(source)
        .destination(destination())
        .strategy(strategy)
        .stateStore(store())
        .sleeper(d -> { });
    for (SliceCheck c : checks) {
      b.check(c);
    }
    return b.build();
  }

  private StateStore store() {
    StateStore s = store;
    assertNotNull(s, "createStateStore() has not run");
    return s;
  }

  private static BackfillPlan plan(Backfill<Row> backfill, String first, String last, int batchSize) {
    return backfill.plan(PartitionRange.of(first, last),
        PlanOptions.defaults().select(Selection.RESTATE).batchSize(batchSize).estimateRows(false));
  }

  private RunReport run(WriteStrategy strategy, SourceNode<Row> source, String first, String last) throws Exception {
    return run(strategy, source, first, last, 1, ExecutionOptions.defaults());
  }

  private RunReport run(WriteStrategy strategy, SourceNode<Row> source, String first, String last, int batchSize,
      ExecutionOptions options, SliceCheck... checks) throws Exception {
    Backfill<Row> backfill = backfill(strategy, source, checks);
    return await(backfill.execute(plan(backfill, first, last, batchSize), options));
  }

  private static RunReport await(dev.backfill.BackfillRun run) throws TimeoutException {
    return run.await(RUN_TIMEOUT);
  }

  private static ExecutionOptions noRetries() {
    return ExecutionOptions.builder().retry(RetryPolicy.none()).build();
  }

  private static void succeed(RunReport report) {
    assertEquals(RunStatus.SUCCEEDED, report.status(), () -> "expected the run to succeed: " + report.summary()
        + report.slices().stream().filter(s -> s.status() != SliceStatus.SUCCEEDED)
            .map(s -> "\n  " + s.key() + " " + s.status() + ": " + s.error()).reduce("", String::concat));
  }

  private static SliceStatus status(RunReport report, String key) {
    return report.slice(key).orElseThrow(() -> new AssertionError("no slice " + key + " in " + report.summary())).status();
  }

  private List<Row> visible() throws Exception {
    List<Row> rows = new ArrayList<>();
    for (Row r : readRows()) {
      rows.add(normalize(r));
    }
    return rows;
  }

  private void assertVisible(InMemorySource<Row> source, String first, String last, String what) throws Exception {
    assertRows(expected(source, first, last), what);
  }

  private void assertRows(Collection<Row> expected, String what) throws Exception {
    List<Row> actual = visible();
    try {
      BackfillAssertions.assertThatRows(actual).isEqualToIgnoringOrder(expected);
    } catch (AssertionFailedError e) {
      throw new AssertionFailedError(what + ": " + e.getMessage(), e.getExpected(), e.getActual(), e);
    }
  }

  private static Slice slice(int index, String day) {
    Partition p = DAILY.partition(day);
    return Slice.of(index, List.of(p));
  }

  private static String suffix() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static SliceContext context(String runId, Slice slice) {
    return new SliceContext() {
      @Override
      public String runId() {
        return runId;
      }

      @Override
      public String target() {
        return TARGET;
      }

      @Override
      public Slice slice() {
        return slice;
      }

      @Override
      public int attempt() {
        return 1;
      }

      @Override
      public Clock clock() {
        return Clock.systemUTC();
      }

      @Override
      public Optional<Instant> deadline() {
        return Optional.empty();
      }

      @Override
      public boolean isCancelled() {
        return false;
      }

      @Override
      public void onCancel(Runnable action) {}
    };
  }
}
