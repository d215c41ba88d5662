package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.PlanOptions;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.Selection;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.SliceRecord;
import dev.backfill.spi.SourceNode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A merge's fast path on each engine (PostgreSQL: COPY into a temporary table and a set-based upsert;
 * MariaDB: multi-row {@code INSERT ... ON DUPLICATE KEY UPDATE}): a slice written in large batches
 * takes it and reports the engine's metric, a slice written in small batches upserts row by row (no
 * metric), and both leave exactly the same rows in twin tables, with keys repeated within a slice (up
 * to three times) or not, null versions and ties, for a plain merge, {@code newerBy} and
 * {@code deletingMissingWithin}. Subclasses name the engine, its metric and the batch size below which
 * it merges row by row.
 */
abstract class AbstractFastMergeTest {
  static final PartitionRange RANGE = PartitionRange.of("2024-01-01", "2024-01-02");
  static final int ROWS = 600;

  enum Variant {
    PLAIN(WriteStrategy.merge("id")),
    NEWER_BY(WriteStrategy.merge("id").newerBy("version")),
    DELETING_MISSING(WriteStrategy.merge("id").deletingMissingWithin("day"));

    final WriteStrategy strategy;

    Variant(WriteStrategy strategy) {
      this.strategy = strategy;
    }
  }

  TestDatabase db;
  JdbcStateStore store;

  abstract TestDatabase.Engine engine();

  /** The metric of a slice that took the fast path. */
  abstract String metric();

  /** A batch size with which slices merge row by row. */
  abstract int rowByRowBatch();

  @BeforeEach
  void setUp() {
    db = TestDatabase.open(engine());
    store = JdbcStateStore.create(db.dataSource());
    for (String table : List.of("staged", "rowwise")) {
      db.exec("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, day DATE NOT NULL, version INT, val VARCHAR(20))");
      // old rows: ids 0-299 of each day, version 2 (null for every 13th), some of them beyond what the slices write
      StringBuilder values = new StringBuilder();
      for (int d = 0; d < 2; d++) {
        for (int i = 0; i < 300; i++) {
          values.append(values.length() == 0 ? "" : ", ").append("(").append(d * 1000 + i).append(", DATE '2024-01-0")
              .append(d + 1).append("', ").append(i % 13 == 0 ? "NULL" : "2").append(", 'old')");
        }
      }
      db.exec("INSERT INTO " + table + " VALUES " + values);
    }
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void fastMergeLeavesTheRowsOfTheRowByRowUpsert(Variant variant) {
    RunReport staged = run("staged", variant, 1000, true);
    RunReport rowwise = run("rowwise", variant, rowByRowBatch(), true);

    assertThat(staged.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(rowwise.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(metric(staged)).containsOnlyKeys("2024-01-01", "2024-01-02")
        .allSatisfy((key, rows) -> assertThat(rows).isEqualTo((double) ROWS));
    assertThat(metric(rowwise)).isEmpty();
    List<String> expected = rows("rowwise");
    assertThat(rows("staged")).containsExactlyElementsOf(expected);
    assertThat(expected).hasSize(variant == Variant.DELETING_MISSING ? 500 : 600).anyMatch(l -> l.contains("|2024-01-02|"));
    if (variant == Variant.DELETING_MISSING) {
      assertThat(expected).noneMatch(l -> l.endsWith("|old")); // ids 250-299 of each day were not written again
    } else {
      assertThat(expected).anyMatch(l -> l.endsWith("|old"));
    }
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void fastMergeOfKeysWrittenOnceLeavesTheRowsOfTheRowByRowUpsert(Variant variant) {
    RunReport fast = run("staged", variant, 1000, false);
    RunReport rowwise = run("rowwise", variant, rowByRowBatch(), false);

    assertThat(fast.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(rowwise.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(metric(fast)).containsOnlyKeys("2024-01-01", "2024-01-02")
        .allSatisfy((key, rows) -> assertThat(rows).isEqualTo((double) ROWS));
    assertThat(metric(rowwise)).isEmpty();
    List<String> expected = rows("rowwise");
    assertThat(rows("staged")).containsExactlyElementsOf(expected);
    // 600 distinct ids per day, 300 of them new
    assertThat(expected).hasSize(1200).anyMatch(l -> l.contains("new-599"));
  }

  /**
   * 600 rows per day. Repeated: ids 0-99 three times, 100-249 twice; else ids 0-599 once each.
   * Versions 0-4 with ties, null for every 11th.
   */
  static List<Row> slice(LocalDate day, boolean repeated) {
    int d = day.getDayOfMonth() - 1;
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      rows.add(Row.of("id", (long) (d * 1000 + (repeated ? i % 250 : i)), "day", day, "version",
          i % 11 == 0 ? null : (i * 7) % 5, "val", "new-" + i));
    }
    return rows;
  }

  RunReport run(String table, Variant variant, int batch, boolean repeated) {
    SourceNode<Row> source = (slice, ctx, sink) -> slice((LocalDate) slice.first().dimensions().values().iterator()
        .next(), repeated).forEach(sink::accept);
    Backfill<Row> backfill = Backfill.<Row>builder(table).partitioning(Partitioning.daily(ZoneOffset.UTC))
        .source(source).destination(JdbcDestination.table(db.dataSource(), table)).strategy(variant.strategy)
        .stateStore(store).build();
    return backfill.execute(backfill.plan(RANGE, PlanOptions.defaults().select(Selection.RESTATE)),
        ExecutionOptions.builder().maxConcurrency(1).writeBatchSize(batch).retry(RetryPolicy.none()).build()).await();
  }

  Map<String, Double> metric(RunReport report) {
    String metric = metric();
    return store.slices(report.runId()).stream().filter(s -> s.stats().metrics().containsKey(metric))
        .collect(Collectors.toMap(SliceRecord::key, s -> s.stats().metrics().get(metric)));
  }

  List<String> rows(String table) {
    return db.lines("SELECT id, day, version, val FROM " + table + " ORDER BY id");
  }
}
