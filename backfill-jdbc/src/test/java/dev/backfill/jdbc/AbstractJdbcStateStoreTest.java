package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.CheckResult;
import dev.backfill.Guarantee;
import dev.backfill.InvalidConfigurationException;
import dev.backfill.RunStatus;
import dev.backfill.SliceStatus;
import dev.backfill.UnknownRunException;
import dev.backfill.spi.LeaseLostException;
import dev.backfill.spi.PartitionState;
import dev.backfill.spi.ResourceProvider;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceOutcome;
import dev.backfill.spi.SliceRecord;
import dev.backfill.spi.StateStore;
import dev.backfill.testkit.tck.StateStoreContract;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The JDBC state store on one engine: the kit's {@link StateStoreContract} (what every store
 * promises) and what only this store adds: tables and migrations, leases measured in database time,
 * microsecond timestamps, and joining a writer's transaction. Each test has a database namespace of
 * its own. Subclasses only name the engine.
 */
abstract class AbstractJdbcStateStoreTest extends StateStoreContract {
  static final Instant T0 = Instant.parse("2024-06-01T10:00:00.123456Z");

  TestDatabase db;
  JdbcStateStore store;

  abstract TestDatabase.Engine engine();

  @Override
  protected StateStore createStore() {
    db = TestDatabase.open(engine());
    store = JdbcStateStore.builder(db.dataSource()).tablePrefix("st_").build();
    return store;
  }

  /** Leases end in database time; a short one keeps the contract's expiry test quick. */
  @Override
  protected Duration shortLease() {
    return Duration.ofMillis(200);
  }

  /** Waits until the database clock, which measures leases, is past every short lease taken so far. */
  @Override
  protected void letLeasesExpire() throws InterruptedException {
    waitUntilDatabaseTimeIsAfter(store.now().plus(shortLease()));
  }

  @Override
  protected void dropStore() {
    if (db != null) {
      db.close();
    }
  }

  static String key(int i) {
    return LocalDate.parse("2024-01-01").plusDays(i).toString();
  }

  static RunRecord run(String runId, int slices, Instant createdAt) {
    return new RunRecord(runId, "orders", RunStatus.RUNNING, "v1", Guarantee.EXACTLY_ONCE,
        "{\"target\":\"orders\",\"slices\":" + slices + "}", slices, createdAt, null, "");
  }

  static List<SliceRecord> pending(String runId, int n) {
    List<SliceRecord> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(SliceRecord.pending(runId, i, key(i), List.of(key(i))));
    }
    return out;
  }

  String newRun(int slices) {
    String id = "r-" + UUID.randomUUID();
    store.createRun(run(id, slices, T0), pending(id, slices));
    return id;
  }

  static SliceOutcome outcome(SliceStatus status, long rows) {
    return new SliceOutcome(status, rows, T0, T0.plusMillis(800), status == SliceStatus.SUCCEEDED ? null : "boom",
        List.of(new CheckResult("minRows(1)", true, CheckResult.Severity.ERROR, "rows " + rows + " >= minRows 1")),
        null);
  }

  SliceRecord slice(String runId, int index) {
    return store.slices(runId).get(index);
  }

  Map<String, PartitionState> states() {
    Map<String, PartitionState> out = new HashMap<>();
    store.forEachPartitionState("orders", s -> out.put(s.key(), s));
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Tables

  @Test
  void createsItsTablesInASchemaAndRecordsTheSchemaVersion() {
    String schema = "bfs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    try {
      JdbcStateStore inSchema = JdbcStateStore.builder(db.dataSource()).schema(schema).tablePrefix("x_").build();
      String id = "r-schema";
      inSchema.createRun(run(id, 2, T0), pending(id, 2));

      assertThat(db.count("SELECT version FROM " + db.q(schema) + "." + db.q("x_schema_version")))
          .isEqualTo(dev.backfill.jdbc.internal.StoreTables.LATEST);
      assertThat(db.count("SELECT count(*) FROM " + db.q(schema) + "." + db.q("x_slices"))).isEqualTo(2);
      JdbcStateStore again = JdbcStateStore.builder(db.dataSource()).schema(schema).tablePrefix("x_").build();
      assertThat(again.slices(id)).hasSize(2);
    } finally {
      db.dropSchema(schema);
    }
  }

  /** Several rounds, each on fresh tables: one lucky interleaving proves little about a race. */
  @Test
  void processesStartingAtOnceMigrateTheTablesOnce() throws Exception {
    int n = 4;
    for (int round = 0; round < 5; round++) {
      String prefix = "race" + round + "_";
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(n);
      try {
        List<Future<JdbcStateStore>> stores = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          stores.add(pool.submit(() -> {
            start.await();
            return JdbcStateStore.builder(db.dataSource()).tablePrefix(prefix).build();
          }));
        }
        start.countDown();
        for (Future<JdbcStateStore> f : stores) {
          assertThat(f.get(60, TimeUnit.SECONDS)).isNotNull();
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(db.count("SELECT count(*) FROM " + prefix + "schema_version")).isEqualTo(1);
      assertThat(db.count("SELECT version FROM " + prefix + "schema_version"))
          .isEqualTo(dev.backfill.jdbc.internal.StoreTables.LATEST);
    }
  }

  @Test
  void refusesTablesOfANewerSchemaVersion() {
    db.exec("UPDATE st_schema_version SET version = 99");
    assertThatThrownBy(() -> JdbcStateStore.builder(db.dataSource()).tablePrefix("st_").build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("schema version 99, newer than the version " + dev.backfill.jdbc.internal.StoreTables.LATEST
            + " this library knows");
  }

  @Test
  void refusesUnsafeSchemaAndPrefixNames() {
    assertThatThrownBy(() -> JdbcStateStore.builder(db.dataSource()).tablePrefix("bf; DROP TABLE st_runs; --"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("state store table prefix 'bf; DROP TABLE st_runs; --'");
    assertThatThrownBy(() -> JdbcStateStore.builder(db.dataSource()).schema("ops\""))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("state store schema 'ops\"'");
  }

  // ---------------------------------------------------------------------------------------------
  // Runs and slices

  /** The contract's times are whole milliseconds; this store keeps microseconds (T0). */
  @Test
  void keepsRunsWithTheirPlanAndSlicesToTheMicrosecond() {
    String older = "r-older";
    store.createRun(run(older, 3, T0), pending(older, 3));

    assertThat(store.run(older)).contains(run(older, 3, T0));
    assertThat(store.slices(older)).containsExactlyElementsOf(pending(older, 3));
    assertThatThrownBy(() -> store.createRun(run(older, 3, T0), pending(older, 3)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("run r-older exists already");

    store.updateRun(older, RunStatus.FAILED, T0.plusSeconds(5), "1 slice failed");
    RunRecord updated = store.run(older).orElseThrow();
    assertThat(updated.status()).isEqualTo(RunStatus.FAILED);
    assertThat(updated.finishedAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(updated.message()).isEqualTo("1 slice failed");
    assertThat(updated.guarantee()).isEqualTo(Guarantee.EXACTLY_ONCE);
  }

  @Test
  void namesUnknownRuns() {
    assertThatThrownBy(() -> store.slices("r-missing")).isInstanceOf(UnknownRunException.class)
        .hasMessageContaining("'r-missing'");
    assertThatThrownBy(() -> store.claim("r-missing", "w", Duration.ofMinutes(1))).isInstanceOf(UnknownRunException.class);
    assertThatThrownBy(() -> store.reopen("r-missing")).isInstanceOf(UnknownRunException.class);
    assertThatThrownBy(() -> store.updateRun("r-missing", RunStatus.FAILED, T0, "")).isInstanceOf(UnknownRunException.class);
  }

  // ---------------------------------------------------------------------------------------------
  // Claims, leases, fencing

  @Test
  void leaseEndsAreComputedByTheDatabase() {
    String id = newRun(1);
    Instant before = store.now();
    SliceLease lease = store.claim(id, "w1", Duration.ofSeconds(30)).orElseThrow();
    Instant after = store.now();

    assertThat(lease.leaseUntil()).isBetween(before.plusSeconds(30), after.plusSeconds(30));
    assertThat(slice(id, 0).leaseUntil()).isEqualTo(lease.leaseUntil());
  }

  /** Beyond the contract's expiry test: expired leases go first, and the refusal names both holders. */
  @Test
  void expiredLeasesAreReclaimedWithTheNextAttemptAndANewFencingToken() throws Exception {
    String id = newRun(2);
    SliceLease zombie = store.claim(id, "zombie", Duration.ofMillis(200)).orElseThrow();
    waitUntilDatabaseTimeIsAfter(zombie.leaseUntil());

    SliceLease taken = store.claim(id, "rescuer", Duration.ofMinutes(1)).orElseThrow();
    assertThat(taken.index()).as("an expired lease goes before pending slices").isEqualTo(zombie.index());
    assertThat(taken.attempt()).isEqualTo(2);
    assertThat(taken.version()).isEqualTo(zombie.version() + 1);

    assertThatThrownBy(() -> store.complete(zombie, outcome(SliceStatus.SUCCEEDED, 5), ResourceProvider.NONE))
        .isInstanceOf(LeaseLostException.class)
        .hasMessageContaining("worker zombie presented token 1")
        .hasMessageContaining("with token 2 held by rescuer");

    store.complete(taken, outcome(SliceStatus.SUCCEEDED, 5), ResourceProvider.NONE);
    SliceRecord s = slice(id, 0);
    assertThat(s.worker()).isEqualTo("rescuer");
    assertThat(s.leaseUntil()).isNull();
  }

  private void waitUntilDatabaseTimeIsAfter(Instant t) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!store.now().isAfter(t)) {
      assertThat(System.nanoTime()).as("database time passes the lease end").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Outcomes and partition states

  @Test
  void completeRecordsTheOutcomeAndThePartitionStates() {
    String id = "r-states";
    List<SliceRecord> slices = List.of(SliceRecord.pending(id, 0, key(0), List.of(key(0))),
        SliceRecord.pending(id, 1, key(1) + ".." + key(2), List.of(key(1), key(2))));
    store.createRun(run(id, 2, T0), slices);
    store.complete(store.claim(id, "w", Duration.ofMinutes(1)).orElseThrow(), outcome(SliceStatus.SUCCEEDED, 5),
        ResourceProvider.NONE);
    store.complete(store.claim(id, "w", Duration.ofMinutes(1)).orElseThrow(), outcome(SliceStatus.SUCCEEDED, 8),
        ResourceProvider.NONE);

    SliceRecord first = slice(id, 0);
    assertThat(first.startedAt()).isEqualTo(T0);
    assertThat(first.finishedAt()).isEqualTo(T0.plusMillis(800));
    assertThat(first.checks()).containsExactly(
        new CheckResult("minRows(1)", true, CheckResult.Severity.ERROR, "rows 5 >= minRows 1").toString());
    Map<String, PartitionState> states = states();
    assertThat(states.get(key(0))).isEqualTo(new PartitionState("orders", key(0), SliceStatus.SUCCEEDED, id,
        T0.plusMillis(800), "v1", 5, 800, false));
    assertThat(states.get(key(1))).isEqualTo(new PartitionState("orders", key(1), SliceStatus.SUCCEEDED, id,
        T0.plusMillis(800), "v1", -1, 400, false));
  }

  // ---------------------------------------------------------------------------------------------
  // Exactly-once

  @Test
  void successJoinsTheWritersTransactionWhenTheDataSourceIsShared() throws Exception {
    String id = newRun(1);
    SliceLease lease = store.claim(id, "w", Duration.ofMinutes(1)).orElseThrow();
    try (Connection writer = db.dataSource().getConnection()) {
      writer.setAutoCommit(false);
      sendsSomething(writer); // the writer's rows went first (an empty slice's end may commit alone)
      store.complete(lease, outcome(SliceStatus.SUCCEEDED, 4), provider(writer, db.dataSource()));
      assertThat(slice(id, 0).status()).as("not visible before the writer commits").isEqualTo(SliceStatus.RUNNING);
      writer.rollback();
      assertThat(slice(id, 0).status()).as("rolled back with the writer").isEqualTo(SliceStatus.RUNNING);
      assertThat(states()).isEmpty();

      sendsSomething(writer);
      store.complete(lease, outcome(SliceStatus.SUCCEEDED, 4), provider(writer, db.dataSource()));
      writer.commit();
      writer.setAutoCommit(true);
    }
    assertThat(slice(id, 0).status()).isEqualTo(SliceStatus.SUCCEEDED);
    assertThat(states().get(key(0)).rows()).isEqualTo(4);
  }

  private static void sendsSomething(Connection writer) throws Exception {
    try (java.sql.Statement st = writer.createStatement()) {
      st.executeQuery("SELECT 1").close();
    }
  }

  @Test
  void anotherDataSourceMeansTheStoresOwnTransaction() throws Exception {
    String id = newRun(1);
    SliceLease lease = store.claim(id, "w", Duration.ofMinutes(1)).orElseThrow();
    DataSource other = new AbstractJdbcDestinationTest.OtherDataSource(db.dataSource());
    try (Connection writer = other.getConnection()) {
      writer.setAutoCommit(false);
      store.complete(lease, outcome(SliceStatus.SUCCEEDED, 4), provider(writer, other));
      writer.rollback();
      writer.setAutoCommit(true);
    }
    assertThat(slice(id, 0).status()).isEqualTo(SliceStatus.SUCCEEDED);
  }

  @Test
  void guaranteeIsExactlyOnceOnlyForTheSameDataSourceInstance() {
    assertThat(store.guaranteeWith(JdbcDestination.table(db.dataSource(), "t"))).isEqualTo(Guarantee.EXACTLY_ONCE);
    assertThat(store.guaranteeWith(JdbcDestination.table(db.dataSource(), "t").fromQuery("SELECT 1 AS x")))
        .isEqualTo(Guarantee.EXACTLY_ONCE);
    assertThat(store.guaranteeWith(JdbcDestination.table(new AbstractJdbcDestinationTest.OtherDataSource(
        db.dataSource()), "t"))).isEqualTo(Guarantee.AT_LEAST_ONCE);
    assertThat(store.guaranteeWith(ResourceProvider.NONE)).isEqualTo(Guarantee.AT_LEAST_ONCE);
  }

  /** What a JDBC destination hands the store at commit: its transaction's connection and its pool. */
  static ResourceProvider provider(Connection c, DataSource ds) {
    return new ResourceProvider() {
      @Override
      public <R> Optional<R> resource(Class<R> type) {
        if (type == Connection.class) {
          return Optional.of(type.cast(c));
        }
        return type == DataSource.class ? Optional.of(type.cast(ds)) : Optional.empty();
      }
    };
  }
}
