package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.Partition;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.PlanOptions;
import dev.backfill.PlannedSlice;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.Selection;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.SourceNode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hourly partitions in America/New_York across the end of daylight saving time (2021-11-07, when
 * 01:00 happens twice) and its start (2021-03-14, when 02:00 never happens), written into a table on
 * one engine whose {@code hour} column holds instants or local date-times, with
 * {@code overwritePartition("hour")} and {@code merge(...).deletingMissingWithin("hour")}: every
 * source row is there exactly once after the run, after a re-run, and the next plan has nothing to
 * do. Subclasses name the engine.
 */
abstract class AbstractDaylightSavingTest extends EngineTest {
  static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  static final Partitioning HOURLY = Partitioning.hourly(NEW_YORK);
  static final PartitionRange FALL_BACK = PartitionRange.of("2021-11-07T00", "2021-11-07T03");
  static final PartitionRange SPRING_FORWARD = PartitionRange.of("2021-03-14T00", "2021-03-14T04");
  static final int ROWS_PER_HOUR = 3;

  enum Column {
    /** The column holds instants; rows carry the hour's start_ts. */
    INSTANT(p -> p.window().orElseThrow().startOffsetDateTime()),
    /** The column holds local date-times; rows carry the partition's hour value. */
    LOCAL(p -> p.dimensions().get("hour"));

    final Function<Partition, Object> hourOf;

    Column(Function<Partition, Object> hourOf) {
      this.hourOf = hourOf;
    }
  }

  static Stream<Arguments> columnsAndStrategies() {
    return Stream.of(Column.values()).flatMap(c -> Stream.of(
        Arguments.of(c, WriteStrategy.overwritePartition("hour")),
        Arguments.of(c, WriteStrategy.merge("hour", "id").deletingMissingWithin("hour"))));
  }

  @ParameterizedTest(name = "{0} column, {1}")
  @MethodSource("columnsAndStrategies")
  void overwriteOfTheRepeatedFallBackHourKeepsBothHours(Column column, WriteStrategy strategy) {
    createTable(column, strategy);
    Backfill<Row> backfill = backfill(column, strategy);

    BackfillPlan plan = backfill.plan(FALL_BACK);
    assertThat(backfill.execute(plan).await().status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(rowsPerHour(column)).as("after the first run").isEqualTo(expected(column, FALL_BACK));

    RunReport again = backfill.execute(backfill.plan(FALL_BACK, PlanOptions.defaults().select(Selection.RESTATE))).await();

    assertThat(again.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(rowsPerHour(column)).as("after a re-run").isEqualTo(expected(column, FALL_BACK));
    assertThat(backfill.plan(FALL_BACK).isEmpty()).as("nothing is left to do").isTrue();
    assertThat(plan.slices()).as("the two 01:00 hours are one slice").extracting(PlannedSlice::key).containsExactly(
        "2021-11-07T00", "2021-11-07T01-04:00..2021-11-07T01-05:00", "2021-11-07T02", "2021-11-07T03");
  }

  @ParameterizedTest(name = "{0} column, {1}")
  @MethodSource("columnsAndStrategies")
  void theHourSkippedInSpringHasNoPartitionAndTheOthersAreWrittenOnce(Column column, WriteStrategy strategy) {
    createTable(column, strategy);
    Backfill<Row> backfill = backfill(column, strategy);

    assertThat(backfill.plan(SPRING_FORWARD).slices()).extracting(PlannedSlice::key)
        .containsExactly("2021-03-14T00", "2021-03-14T01", "2021-03-14T03", "2021-03-14T04");
    backfill.execute(backfill.plan(SPRING_FORWARD)).await();
    backfill.execute(backfill.plan(SPRING_FORWARD, PlanOptions.defaults().select(Selection.RESTATE))).await();

    assertThat(rowsPerHour(column)).isEqualTo(expected(column, SPRING_FORWARD));
  }

  /**
   * hour × region writes the two 01:00 hours in slices of their own: right into a column of
   * instants, refused before any slice into a column of local date-times.
   */
  @ParameterizedTest(name = "{0} column")
  @org.junit.jupiter.params.provider.EnumSource(Column.class)
  void aMultiPartitioningWritesTheRepeatedHoursApartOnlyIntoAColumnOfInstants(Column column) {
    db.exec("CREATE TABLE hours (" + db.q("hour") + " " + type(column)
        + " NOT NULL, region VARCHAR(10) NOT NULL, id VARCHAR(40) NOT NULL)");
    Partitioning hourByRegion = Partitioning.multi(HOURLY, Partitioning.keys("eu", "us").named("region"));
    SourceNode<Row> rows = (slice, ctx, sink) -> {
      Partition p = slice.first();
      sink.accept(Row.of("hour", column.hourOf.apply(p), "region", p.dimensions().get("region"), "id", p.key().value()));
    };
    Backfill<Row> backfill = Backfill.builder("hours").partitioning(hourByRegion).source(rows)
        .destination(JdbcDestination.table(db.dataSource(), "hours")).strategy(WriteStrategy.overwritePartition("hour",
            "region")).stateStore(store).build();
    PartitionRange range = PartitionRange.of("2021-11-07T00|eu", "2021-11-07T03|us");

    if (column == Column.LOCAL) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> backfill.plan(range))
          .isInstanceOf(dev.backfill.InvalidConfigurationException.class)
          .hasMessageContainingAll("column hour holds local date-times", "America/New_York repeats the local hours",
              "partition hourly in UTC");
      assertThat(store.runs("hours")).isEmpty();
      return;
    }
    backfill.execute(backfill.plan(range)).await();
    backfill.execute(backfill.plan(range, PlanOptions.defaults().select(Selection.RESTATE))).await();
    assertThat(db.count("SELECT count(*) FROM hours")).isEqualTo(10);
    assertThat(db.count("SELECT count(DISTINCT id) FROM hours")).isEqualTo(10);
  }

  String type(Column column) {
    return column == Column.INSTANT ? db.instantType() : db.localDateTimeType();
  }

  /** The table; with the key merge needs, none for overwrite (so a row written twice shows). */
  void createTable(Column column, WriteStrategy strategy) {
    db.exec("CREATE TABLE hours (" + db.q("hour") + " " + type(column)
        + " NOT NULL, id VARCHAR(40) NOT NULL"
        + (strategy instanceof WriteStrategy.Merge ? ", PRIMARY KEY (" + db.q("hour") + ", id)" : "") + ")");
  }

  Backfill<Row> backfill(Column column, WriteStrategy strategy) {
    SourceNode<Row> rows = (slice, ctx, sink) -> {
      for (Partition p : slice.partitions()) {
        for (int i = 1; i <= ROWS_PER_HOUR; i++) {
          sink.accept(Row.of("hour", column.hourOf.apply(p), "id", p.key().value() + "#" + i));
        }
      }
    };
    return Backfill.builder("hours").partitioning(HOURLY).source(rows)
        .destination(JdbcDestination.table(db.dataSource(), "hours")).strategy(strategy).stateStore(store).build();
  }

  /** Rows per hour as the table holds them: per instant, or per local date-time. */
  Map<String, Long> rowsPerHour(Column column) {
    Map<String, Long> counts = new TreeMap<>();
    for (Row r : db.rows("SELECT " + db.q("hour") + ", id FROM hours")) {
      Object hour = r.get(0);
      String key = column == Column.LOCAL ? String.valueOf(hour)
          : hour instanceof OffsetDateTime o ? o.toInstant().toString()
          : ((LocalDateTime) hour).toInstant(ZoneOffset.UTC).toString();   // MariaDB TIMESTAMP, UTC session
      counts.merge(key, 1L, Long::sum);
    }
    return counts;
  }

  Map<String, Long> expected(Column column, PartitionRange range) {
    Map<String, Long> counts = new TreeMap<>();
    for (Partition p : HOURLY.enumerate(range)) {
      Object hour = column.hourOf.apply(p);
      String key = hour instanceof OffsetDateTime o ? o.toInstant().toString() : String.valueOf(hour);
      counts.merge(key, (long) ROWS_PER_HOUR, Long::sum);
    }
    return counts;
  }
}
