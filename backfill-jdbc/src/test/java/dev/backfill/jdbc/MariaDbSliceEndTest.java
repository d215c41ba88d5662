package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.backfill.Backfill;
import dev.backfill.ExecutionOptions;
import dev.backfill.FailurePolicy;
import dev.backfill.Guarantee;
import dev.backfill.Partition;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.PlanOptions;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.SliceStatus;
import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.jdbc.dialect.MariaDbDialect;
import dev.backfill.spi.PartitionState;
import dev.backfill.spi.ResourceProvider;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SliceAttempt;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceOutcome;
import dev.backfill.spi.SliceRecord;
import dev.backfill.spi.SourceNode;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On MariaDB a slice's end is one compound statement (the slice's update, then its attempt and its
 * partitions' states, from the keys its claim read or else from the slice's stored keys through
 * {@code JSON_TABLE}): the states it leaves
 * for keys that need escaping in SQL or JSON, for slices of one and of several partitions, and for a
 * failed slice, with the driver's client-side and server-side prepared statements.
 */
class MariaDbSliceEndTest {
  /** Keys whose text means something to SQL, to JSON or to a collation; "boom" fails its slice. */
  static final List<String> KEYS = List.of("o'brien", "back\\slash", "quote\"d", "zürich", "Zürich", "emoji 😀",
      "[\"json\"]", "NULL", "a,b", "boom", "semi;colon -- x", "zzz");

  TestDatabase db;
  HikariDataSource pool;

  @BeforeEach
  void open() {
    db = TestDatabase.open(TestDatabase.Engine.MARIADB);
  }

  @AfterEach
  void close() {
    if (pool != null) {
      pool.close();
    }
    db.close();
  }

  private DataSource dataSource(boolean serverPrepared) {
    if (!serverPrepared) {
      return db.dataSource();
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.jdbcUrl() + "?useServerPrepStmts=true");
    config.setUsername(db.user());
    config.setPassword("");
    config.setMaximumPoolSize(8);
    pool = new HikariDataSource(config);
    return pool;
  }

  @ParameterizedTest(name = "server-side prepared statements: {0}")
  @ValueSource(booleans = {false, true})
  void aSlicesEndRecordsItsKeyAsWrittenAndAFailedSliceAsFailed(boolean serverPrepared) {
    DataSource ds = dataSource(serverPrepared);
    JdbcStateStore store = storeWithEvents(ds, "tenant VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL");
    SourceNode<Row> threeRowsPerTenant = (slice, ctx, sink) -> {
      String tenant = String.valueOf(slice.tokens().get("tenant"));
      if (tenant.equals("boom")) {
        throw new IllegalStateException("no rows for tenant boom");
      }
      for (int n = 1; n <= 3; n++) {
        sink.accept(Row.of("tenant", tenant, "n", n));
      }
    };
    Backfill<Row> backfill = Backfill.builder("events").partitioning(Partitioning.keys(KEYS).named("tenant"))
        .source(threeRowsPerTenant).destination(JdbcDestination.table(ds, "events"))
        .strategy(WriteStrategy.append()).stateStore(store).build();

    RunReport good = backfill.execute(backfill.plan(PartitionRange.of(KEYS.get(0), KEYS.get(7))), options()).await();
    RunReport bad = backfill.execute(backfill.plan(PartitionRange.of(KEYS.get(8), KEYS.get(11))), options()).await();

    assertThat(good.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(bad.status()).isEqualTo(RunStatus.FAILED);
    Map<String, PartitionState> states = states(store);
    assertThat(states.keySet()).containsExactlyInAnyOrderElementsOf(KEYS);
    for (String key : KEYS.subList(0, 8)) {
      PartitionState s = states.get(key);
      assertThat(s.lastStatus()).as(key).isEqualTo(SliceStatus.SUCCEEDED);
      assertThat(s.lastRunId()).as(key).isEqualTo(good.runId());
      assertThat(s.rows()).as("a slice of its own keeps its rows: " + key).isEqualTo(3);
      assertThat(s.logicVersion()).as(key).isNotNull();
      assertThat(s.succeededAt()).as(key).isNotNull();
      assertThat(s.durationMillis()).as(key).isGreaterThanOrEqualTo(0);
    }
    for (String key : KEYS.subList(8, 12)) {
      PartitionState s = states.get(key);
      assertThat(s.lastRunId()).as(key).isEqualTo(bad.runId());
      assertThat(s.lastStatus()).as(key).isEqualTo(key.equals("boom") ? SliceStatus.FAILED : SliceStatus.SUCCEEDED);
    }
    assertThat(states.get("boom").succeededAt()).isNull();
    assertThat(states.get("boom").rows()).isEqualTo(-1);
    List<String> attempts = new ArrayList<>();
    for (RunReport r : List.of(good, bad)) {
      for (SliceAttempt a : store.attempts(r.runId())) {
        attempts.add(a.key() + "=" + a.status() + (a.error() == null ? "" : ": " + a.error()));
      }
    }
    assertThat(attempts).hasSize(12).contains("o'brien=SUCCEEDED", "emoji 😀=SUCCEEDED", "NULL=SUCCEEDED")
        .anyMatch(a -> a.startsWith("boom=FAILED: ") && a.contains("no rows for tenant boom"));
    assertThat(db.count("SELECT count(*) FROM events")).isEqualTo(11 * 3);
    assertThat(db.lines("SELECT tenant, count(*) FROM events GROUP BY tenant"))
        .contains("o'brien|3", "back\\slash|3", "emoji 😀|3", "NULL|3").noneMatch(l -> l.startsWith("boom"));
    assertThat(backfill.plan(PartitionRange.of(KEYS.get(0), KEYS.get(11))).slices())
        .as("only the failed key is left for the next plan").hasSize(1);
  }

  @ParameterizedTest(name = "server-side prepared statements: {0}")
  @ValueSource(booleans = {false, true})
  void aSliceOfSeveralPartitionsRecordsEachOfThem(boolean serverPrepared) {
    DataSource ds = dataSource(serverPrepared);
    JdbcStateStore store = storeWithEvents(ds, "day DATE NOT NULL");
    LocalDate broken = LocalDate.of(2024, 1, 5);
    SourceNode<Row> twoRowsPerDay = (slice, ctx, sink) -> {
      for (Partition p : slice.partitions()) {
        LocalDate day = LocalDate.parse(p.key().toString());
        if (day.equals(broken)) {
          throw new IllegalStateException("no rows for " + day);
        }
        sink.accept(Row.of("day", day, "n", 1));
        sink.accept(Row.of("day", day, "n", 2));
      }
    };
    Backfill<Row> backfill = Backfill.builder("events").partitioning(Partitioning.daily(java.time.ZoneOffset.UTC))
        .source(twoRowsPerDay).destination(JdbcDestination.table(ds, "events"))
        .strategy(WriteStrategy.append()).stateStore(store).build();

    RunReport run = backfill.execute(backfill.plan(PartitionRange.of("2024-01-01", "2024-01-09"),
        PlanOptions.defaults().batchSize(3)), options()).await();

    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
    Map<String, PartitionState> states = states(store);
    assertThat(states).hasSize(9);
    states.forEach((key, s) -> {
      LocalDate day = LocalDate.parse(key);
      boolean inBrokenSlice = !day.isBefore(LocalDate.of(2024, 1, 4)) && !day.isAfter(LocalDate.of(2024, 1, 6));
      assertThat(s.lastStatus()).as(key).isEqualTo(inBrokenSlice ? SliceStatus.FAILED : SliceStatus.SUCCEEDED);
      assertThat(s.rows()).as("a slice of three days keeps no rows per day: " + key).isEqualTo(-1);
      assertThat(s.succeededAt() != null).as(key).isEqualTo(!inBrokenSlice);
    });
    assertThat(store.attempts(run.runId())).hasSize(3);
    assertThat(db.count("SELECT count(*) FROM events")).isEqualTo(6 * 2);
  }

  @Test
  void theCompoundStatementIsUsedOnMariaDbAndNotOnMySqlEvenWithAnExplicitDialect() throws Exception {
    try (Connection c = db.dataSource().getConnection()) {
      assertThat(Dialect.detect(db.dataSource()).supportsCompoundStatements(c)).isTrue();
      assertThat(new MariaDbDialect().supportsCompoundStatements(c)).isTrue();
      // MySQL 8 as MariaDB Connector/J reports it: compound statements only inside stored programs there
      DatabaseMetaData mysql = (DatabaseMetaData) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {DatabaseMetaData.class}, (proxy, method, args) -> switch (method.getName()) {
            case "getDatabaseProductName" -> "MySQL";
            case "getDatabaseProductVersion" -> "8.0.36";
            default -> method.invoke(c.getMetaData(), args);
          });
      Connection toMySql = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
          new Class<?>[] {Connection.class}, (proxy, method, args) -> method.getName().equals("getMetaData") ? mysql
              : method.invoke(c, args));
      assertThat(new MariaDbDialect().supportsCompoundStatements(toMySql)).isFalse();
    }
  }

  /**
   * A slice ended by the store whose claim read its keys inserts its attempt and partitions from bound
   * values; one ended by another store (or whose keys were too long to hand back) reads them from the
   * slice. Both record the same: one run of each, with slices of one partition, of three, of two keys
   * too long to hand back, one that needs escaping, a retried one and a failed one.
   */
  @Test
  void anEndFromWhatItsClaimReadRecordsWhatAnEndReadingTheSliceRecords() {
    List<String> claimerSql = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<String> otherSql = new java.util.concurrent.CopyOnWriteArrayList<>();
    JdbcStateStore claimer = JdbcStateStore.builder(recording(db.dataSource(), claimerSql)).tablePrefix("se_").build();
    JdbcStateStore other = JdbcStateStore.builder(recording(db.dataSource(), otherSql)).tablePrefix("se_").build();
    String longKey = "l".repeat(250); // two of them make stored keys longer than a claim hands back
    List<List<String>> slices = List.of(List.of("o'brien \\ \"q\" 😀"), List.of("d1", "d2", "d3"),
        List.of(longKey + "1", longKey + "2"), List.of("retried"), List.of("failed"));

    List<String> keys = slices.stream().map(p -> p.get(0)).toList();
    List<String> ownRecords = endAll(claimer, claimer, "own", keys, slices);
    List<String> otherRecords = endAll(claimer, other, "other", keys, slices);

    // the path each took: from bound values all but the slice whose keys were too long to hand back
    assertThat(claimerSql).filteredOn(sql -> sql.contains("VALUES (bf_run, bf_slice")).hasSize(4);
    assertThat(claimerSql).filteredOn(sql -> sql.startsWith("BEGIN NOT ATOMIC") && sql.contains("FROM `se_slices`"
        + " WHERE run_id = bf_run AND slice_index = bf_slice")).hasSize(1);
    assertThat(otherSql).noneMatch(sql -> sql.contains("VALUES (bf_run, bf_slice"));
    assertThat(ownRecords).isEqualTo(otherRecords).contains(
        "attempt 0 o'brien \\ \"q\" 😀 #1 w SUCCEEDED rows=7 error=null log=null",
        "attempt 3 retried #1 w FAILED rows=0 error=timeout log=null",
        "attempt 3 retried #2 w SUCCEEDED rows=7 error=null log=null",
        "attempt 4 failed #1 w FAILED rows=0 error=boom ☃ log=tail",
        "partition o'brien \\ \"q\" 😀 SUCCEEDED v7 rows=7 ms=900 at=2024-06-01T10:00:00.900Z",
        "partition d2 SUCCEEDED v7 rows=-1 ms=300 at=2024-06-01T10:00:00.900Z",
        "partition " + longKey + "2 SUCCEEDED v7 rows=-1 ms=450 at=2024-06-01T10:00:00.900Z",
        "partition failed FAILED null rows=-1 ms=-1 at=null");
    assertThat(ownRecords).hasSize(6 + 8);
  }

  /**
   * Keys and errors keep their characters in a database whose default character set is latin1: the
   * store's tables are utf8mb4 whatever the default, and so are the claim's variables and casts that
   * hand the keys back.
   */
  @Test
  void keysAndErrorsKeepTheirCharactersInALatin1Database() {
    db.exec("ALTER DATABASE CHARACTER SET latin1 COLLATE latin1_swedish_ci");
    List<String> sql = new java.util.concurrent.CopyOnWriteArrayList<>();
    JdbcStateStore store = JdbcStateStore.builder(recording(db.dataSource(), sql)).tablePrefix("l1_").build();

    List<String> records = endAll(store, store, "latin1", List.of("slice 😀 ☃", "ok", "two", "retried", "failed 😀"),
        List.of(List.of("zürich 😀", "Ærø"), List.of("ok"), List.of("two"), List.of("retried"), List.of("failed 😀")));

    assertThat(sql).filteredOn(s -> s.contains("VALUES (bf_run, bf_slice")).hasSize(5);
    assertThat(records).contains("attempt 0 slice 😀 ☃ #1 w SUCCEEDED rows=7 error=null log=null",
        "attempt 3 retried #1 w FAILED rows=0 error=timeout log=null",
        "attempt 4 failed 😀 #1 w FAILED rows=0 error=boom ☃ log=tail",
        "partition failed 😀 FAILED null rows=-1 ms=-1 at=null",
        "partition zürich 😀 SUCCEEDED v7 rows=-1 ms=450 at=2024-06-01T10:00:00.900Z",
        "partition Ærø SUCCEEDED v7 rows=-1 ms=450 at=2024-06-01T10:00:00.900Z");
  }

  /**
   * Runs one run of slices with the given keys and partitions (target {@code orders_<name>}) claimed by
   * {@code claimer} and ended by {@code ender}: slice 3 fails once and succeeds on its second attempt, slice 4 fails; returns its
   * attempts and partition states as text, without run ids.
   */
  private static List<String> endAll(JdbcStateStore claimer, JdbcStateStore ender, String name, List<String> keys,
      List<List<String>> slices) {
    Instant t0 = Instant.parse("2024-06-01T10:00:00Z");
    String id = "r-" + name + "-" + java.util.UUID.randomUUID();
    String target = "orders_" + name;
    List<SliceRecord> pending = new ArrayList<>();
    for (int i = 0; i < slices.size(); i++) {
      pending.add(SliceRecord.pending(id, i, keys.get(i), slices.get(i)));
    }
    claimer.createRun(new RunRecord(id, target, RunStatus.RUNNING, "v7", Guarantee.EXACTLY_ONCE, "{}", slices.size(),
        t0, null, ""), pending);
    for (SliceLease lease : claimer.claim(id, "w", Duration.ofMinutes(5), slices.size())) {
      if (lease.index() == 3) {
        lease = ender.nextAttempt(lease, "timeout", null);
      }
      boolean fails = lease.index() == 4;
      ender.complete(lease, new SliceOutcome(fails ? SliceStatus.FAILED : SliceStatus.SUCCEEDED, fails ? 0 : 7, t0,
          t0.plusMillis(900), fails ? "boom ☃" : null, List.of(), fails ? "tail" : null), ResourceProvider.NONE);
    }
    List<String> records = new ArrayList<>();
    for (SliceAttempt a : claimer.attempts(id)) {
      records.add("attempt " + a.index() + " " + a.key() + " #" + a.attempt() + " " + a.worker() + " " + a.status()
          + " rows=" + a.rows() + " error=" + a.error() + " log=" + a.logExcerpt());
    }
    List<String> states = new ArrayList<>();
    claimer.forEachPartitionState(target, p -> states.add("partition " + p.key() + " " + p.lastStatus() + " "
        + p.logicVersion() + " rows=" + p.rows() + " ms=" + p.durationMillis() + " at=" + p.succeededAt()));
    states.sort(null);
    records.addAll(states);
    return records;
  }

  /** The data source with the SQL of every statement its connections prepare added to {@code sql}. */
  private static DataSource recording(DataSource dataSource, List<String> sql) {
    return new AbstractJdbcDestinationTest.OtherDataSource(dataSource) {
      @Override
      public Connection getConnection() throws java.sql.SQLException {
        Connection c = super.getConnection();
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              if (method.getName().equals("prepareStatement")) {
                sql.add((String) args[0]);
              }
              try {
                return method.invoke(c, args);
              } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
              }
            });
      }
    };
  }

  /** Creates the destination {@code events} with the column given and {@code n}, and a store beside it. */
  private JdbcStateStore storeWithEvents(DataSource ds, String column) {
    db.exec("CREATE TABLE events (" + column + ", n INT NOT NULL)");
    return JdbcStateStore.create(ds);
  }

  private static ExecutionOptions options() {
    return ExecutionOptions.builder().maxConcurrency(2).retry(RetryPolicy.none())
        .failurePolicy(FailurePolicy.continueAndReport()).build();
  }

  private static Map<String, PartitionState> states(JdbcStateStore store) {
    Map<String, PartitionState> states = new TreeMap<>();
    store.forEachPartitionState("events", s -> states.put(s.key(), s));
    return states;
  }
}
