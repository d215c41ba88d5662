package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.backfill.Guarantee;
import dev.backfill.Partitioning;
import dev.backfill.Row;
import dev.backfill.RunStatus;
import dev.backfill.Slice;
import dev.backfill.SliceStatus;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.LeaseLostException;
import dev.backfill.spi.ResourceProvider;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceOutcome;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SliceRecord;
import dev.backfill.spi.SliceWriter;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a slice costs the state store in statements (issue 17), counted, never timed: a claim of
 * several slices, a renewal and a slice's end inside the writer's transaction, on each engine; and
 * that the fewer statements keep the fences: a slice's end with a lost lease, or after another run
 * took the target, still refuses the commit and leaves nothing recorded. Subclasses name the engine
 * and the counts it is held to.
 */
abstract class AbstractStoreRoundTripTest {
  static final Instant T0 = Instant.parse("2024-06-01T10:00:00Z");

  TestDatabase db;
  StatementCounter counter;
  JdbcStateStore store;

  abstract TestDatabase.Engine engine();

  /** Server calls of a claim of four slices (statements, commits, auto-commit and isolation switches). */
  abstract int claimOfFourCalls();

  /** Server calls of a renewal. */
  abstract int renewalCalls();

  /** Statements of a successful slice's end inside the writer's transaction (the run's target known). */
  abstract int joinedEndStatements();

  /**
   * Whether a slice's end, when its writer has sent nothing, commits alone at once: where the end is one
   * statement (PostgreSQL, MariaDB); elsewhere it waits for the writer's commit.
   */
  boolean unstartedEndCommitsAlone() {
    return false;
  }

  @BeforeEach
  void open() {
    db = TestDatabase.open(engine());
    counter = new StatementCounter(db.dataSource());
    store = JdbcStateStore.builder(counter.dataSource()).tablePrefix("rt_").build();
  }

  @AfterEach
  void close() {
    db.close();
  }

  String newRun(int slices) {
    String id = "r-" + UUID.randomUUID();
    List<SliceRecord> pending = new ArrayList<>();
    for (int i = 0; i < slices; i++) {
      pending.add(SliceRecord.pending(id, i, "2024-01-0" + (i + 1), List.of("2024-01-0" + (i + 1))));
    }
    store.createRun(new RunRecord(id, "orders", RunStatus.RUNNING, "v1", Guarantee.EXACTLY_ONCE, "{}", slices, T0, null,
        ""), pending);
    return id;
  }

  private int calls() {
    return counter.counts().values().stream().mapToInt(Integer::intValue).sum();
  }

  static SliceOutcome succeeded(long rows) {
    return new SliceOutcome(SliceStatus.SUCCEEDED, rows, T0, T0.plusMillis(5), null, List.of(), null);
  }

  private ResourceProvider writer(Connection c) {
    return AbstractJdbcStateStoreTest.provider(c, counter.dataSource());
  }

  @Test
  void aClaimOfFourSlicesARenewalAndASlicesEndTakeTheirFewStatements() throws Exception {
    String id = newRun(6);
    counter.reset();
    List<SliceLease> leases = store.claim(id, "w", Duration.ofMinutes(1), 4);
    assertThat(leases).extracting(SliceLease::index).containsExactly(0, 1, 2, 3);
    assertThat(calls()).as("claim of four: %s", counter.counts()).isEqualTo(claimOfFourCalls());
    assertThat(counter.count("isolation")).as("the session's isolation is neither read nor set").isZero();

    counter.reset();
    assertThat(store.renew(leases.get(0), Duration.ofMinutes(2))).isPresent();
    assertThat(calls()).as("renewal: %s", counter.counts()).isEqualTo(renewalCalls());

    for (int i = 0; i < 2; i++) {
      try (Connection c = counter.dataSource().getConnection()) {
        c.setAutoCommit(false);
        counter.reset();
        store.complete(leases.get(i), succeeded(3), writer(c));
        int statements = counter.count("statement");
        c.commit();
        c.setAutoCommit(true);
        if (i == 1) {
          assertThat(statements).as("a slice's end once the run's target is known: %s", counter.counts())
              .isEqualTo(joinedEndStatements());
        }
      }
    }
    assertThat(store.slices(id)).extracting(SliceRecord::status).startsWith(SliceStatus.SUCCEEDED,
        SliceStatus.SUCCEEDED, SliceStatus.RUNNING);
    assertThat(store.attempts(id)).hasSize(2);
  }

  /**
   * A claim's cost does not grow with what is done: the index entries that every status change leaves
   * behind until a vacuum were walked by every claim from the run's start (a 2,000,000-slice run
   * slowed from about 800 to under 300 slices/s). Later claims look for PENDING slices from where the
   * last claim found them and for expired leases only now and then; a short claim and a reopen look
   * at the whole run again.
   */
  @Test
  void laterClaimsStartWhereThePendingSlicesAreAndLookForExpiredLeasesOnlyNowAndThen() {
    assumeTrue(engine() != TestDatabase.Engine.H2, "H2 claims one slice by compare-and-set, without SKIP LOCKED");
    String id = newRun(8);
    Duration lease = Duration.ofMinutes(1);
    assertThat(store.claim(id, "w", lease, 3)).extracting(SliceLease::index).containsExactly(0, 1, 2);

    counter.reset();
    assertThat(store.claim(id, "w", lease, 3)).extracting(SliceLease::index).containsExactly(3, 4, 5);
    assertThat(counter.prepared()).as("the second claim: %s", counter.prepared())
        .noneMatch(sql -> sql.contains("lease_until <="))
        .anyMatch(sql -> sql.matches("(?s).*status = 'PENDING' AND slice_index >= (\\?|bf_from).*"));

    counter.reset();
    assertThat(store.claim(id, "w", lease, 3)).as("two left").extracting(SliceLease::index).containsExactly(6, 7);
    assertThat(counter.prepared()).as("a short claim looks at the whole run, expired leases too: %s",
        counter.prepared()).anyMatch(sql -> sql.contains("lease_until <="));

    assertThat(store.reopen(id)).isEqualTo(8);
    assertThat(store.claim(id, "w", lease, 2)).as("after a reopen, from the run's first slice again")
        .extracting(SliceLease::index).containsExactly(0, 1);
  }

  /**
   * A slice that wrote nothing has only its end to commit: its writer begins its transaction only before
   * its first statement, so where the end is one statement (PostgreSQL, MariaDB) that statement commits
   * alone, and the whole slice from the writer's opening to its commit is one call (on MariaDB, before,
   * also two auto-commit switches and a {@code SET TRANSACTION}). A slice that wrote anything keeps its
   * rows and its status in one transaction: seen by nobody before the writer commits, and both gone when
   * it aborts.
   */
  @Test
  void anEmptySlicesEndCommitsAloneButAWrittenSlicesEndWaitsForItsRows() throws Exception {
    db.exec("CREATE TABLE rt_probe (id INT)");
    String id = newRun(3);
    List<SliceLease> leases = store.claim(id, "w", Duration.ofMinutes(1), 3);
    JdbcDestination destination = JdbcDestination.table(counter.dataSource(), "rt_probe");
    // the first slice reads what stays the same for the run (its target), the second is counted
    for (int i = 0; i < 2; i++) {
      counter.reset();
      SliceWriter<Row> empty = destination.open(sliceAt(i), WriteStrategy.append(), context(id, i));
      store.complete(leases.get(i), succeeded(0), empty);
      Map<String, Integer> calls = new TreeMap<>(counter.counts());
      assertThat(store.slices(id).get(i).status()).as("the empty slice's end, seen before the writer commits")
          .isEqualTo(unstartedEndCommitsAlone() ? SliceStatus.SUCCEEDED : SliceStatus.RUNNING);
      counter.reset();
      empty.commit();
      counter.counts().forEach((k, v) -> calls.merge(k, v, Integer::sum));
      if (i == 1 && unstartedEndCommitsAlone()) {
        assertThat(calls).as("an empty slice, writer and end").isEqualTo(Map.of("statement", 1));
      }
    }
    assertThat(store.slices(id)).extracting(SliceRecord::status).startsWith(SliceStatus.SUCCEEDED,
        SliceStatus.SUCCEEDED);

    SliceWriter<Row> written = destination.open(sliceAt(2), WriteStrategy.append(), context(id, 2));
    written.write(List.of(Row.of("id", 1)));
    store.complete(leases.get(2), succeeded(1), written);
    assertThat(store.slices(id).get(2).status()).as("a written slice's end before the writer commits")
        .isEqualTo(SliceStatus.RUNNING);
    written.abort();
    assertThat(store.slices(id).get(2).status()).as("rolled back with its rows").isEqualTo(SliceStatus.RUNNING);
    assertThat(db.count("SELECT COUNT(*) FROM rt_probe")).isZero();
    assertThat(store.attempts(id)).hasSize(2);
  }

  static Slice sliceAt(int index) {
    return Slice.of(index, List.of(Partitioning.daily(ZoneOffset.UTC).partition("2024-01-0" + (index + 1))));
  }

  /** A slice's context, with its run: an append writer reads nothing else of it. */
  static SliceContext context(String runId, int index) {
    SliceContext context = mock(SliceContext.class);
    when(context.runId()).thenReturn(runId);
    when(context.slice()).thenReturn(sliceAt(index));
    return context;
  }

  @Test
  void aLostLeaseStillRefusesTheCommitAndRecordsNothing() throws Exception {
    String id = newRun(1);
    SliceLease first = store.claim(id, "w1", Duration.ofMinutes(1)).orElseThrow();
    store.reopen(id); // the lease is gone: another claim takes the slice with a new token
    SliceLease second = store.claim(id, "w2", Duration.ofMinutes(1)).orElseThrow();
    try (Connection c = counter.dataSource().getConnection()) {
      c.setAutoCommit(false);
      assertThatThrownBy(() -> store.complete(first, succeeded(3), writer(c)))
          .isInstanceOf(LeaseLostException.class)
          .hasMessageContainingAll("is lost", "worker w1 presented token " + first.version(), "held by w2");
      c.rollback();
      c.setAutoCommit(true);
    }
    assertThat(store.renew(first, Duration.ofMinutes(1))).as("nor can the lost lease be renewed").isEmpty();
    SliceRecord slice = store.slices(id).get(0);
    assertThat(slice.status()).isEqualTo(SliceStatus.RUNNING);
    assertThat(slice.version()).isEqualTo(second.version());
    assertThat(store.attempts(id)).isEmpty();
  }

  @Test
  void anotherRunHoldingTheTargetRefusesTheCommit() throws Exception {
    String id = newRun(1);
    SliceLease lease = store.claim(id, "w1", Duration.ofMinutes(1)).orElseThrow();
    store.acquireTarget("orders", "r-other", "w9", Duration.ofMinutes(1));
    try (Connection c = counter.dataSource().getConnection()) {
      c.setAutoCommit(false);
      assertThatThrownBy(() -> store.complete(lease, succeeded(3), writer(c)))
          .isInstanceOf(LeaseLostException.class)
          .hasMessageContaining("is held by run r-other now");
      c.rollback();
      c.setAutoCommit(true);
    }
    assertThat(store.slices(id).get(0).status()).isEqualTo(SliceStatus.RUNNING);
    assertThat(store.attempts(id)).isEmpty();
  }
}
