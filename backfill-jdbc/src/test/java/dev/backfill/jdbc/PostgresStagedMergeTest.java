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
 * The staged merge on PostgreSQL: a slice whose batches hold at least 256 rows is COPYed into a
 * temporary table and upserted from it; it reports {@code jdbc.staged_merge_rows} and leaves exactly
 * the rows the row-by-row upsert (batches of 100) leaves in a twin table, with keys repeated within a
 * slice (up to three times), null versions and ties, for a plain merge, {@code newerBy} and
 * {@code deletingMissingWithin}.
 */
class PostgresStagedMergeTest {
  static final PartitionRange RANGE = PartitionRange.of("2024-01-01", "2024-01-02");
  static final String METRIC = "jdbc.staged_merge_rows";
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

  @BeforeEach
  void setUp() {
    db = TestDatabase.open(TestDatabase.Engine.POSTGRES);
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
  void stagedMergeLeavesTheRowsOfTheRowByRowUpsert(Variant variant) {
    RunReport staged = run("staged", variant, 1000);
    RunReport rowwise = run("rowwise", variant, 100);

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

  /** 600 rows per day: ids 0-99 three times, 100-249 twice; versions 0-4 with ties, null for every 11th. */
  static List<Row> slice(LocalDate day) {
    int d = day.getDayOfMonth() - 1;
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      rows.add(Row.of("id", (long) (d * 1000 + i % 250), "day", day, "version", i % 11 == 0 ? null : (i * 7) % 5,
          "val", "new-" + i));
    }
    return rows;
  }

  RunReport run(String table, Variant variant, int batch) {
    SourceNode<Row> source = (slice, ctx, sink) -> slice((LocalDate) slice.first().dimensions().values().iterator()
        .next()).forEach(sink::accept);
    Backfill<Row> backfill = Backfill.<Row>builder(table).partitioning(Partitioning.daily(ZoneOffset.UTC))
        .source(source).destination(JdbcDestination.table(db.dataSource(), table)).strategy(variant.strategy)
        .stateStore(store).build();
    return backfill.execute(backfill.plan(RANGE, PlanOptions.defaults().select(Selection.RESTATE)),
        ExecutionOptions.builder().maxConcurrency(1).writeBatchSize(batch).retry(RetryPolicy.none()).build()).await();
  }

  Map<String, Double> metric(RunReport report) {
    return store.slices(report.runId()).stream().filter(s -> s.stats().metrics().containsKey(METRIC))
        .collect(Collectors.toMap(SliceRecord::key, s -> s.stats().metrics().get(METRIC)));
  }

  List<String> rows(String table) {
    return db.lines("SELECT id, day, version, val FROM " + table + " ORDER BY id");
  }
}
