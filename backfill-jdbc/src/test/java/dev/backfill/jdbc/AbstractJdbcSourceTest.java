package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.DataUnavailableException;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.PlanOptions;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.Selection;
import dev.backfill.UnknownTokenException;
import dev.backfill.WriteStrategy;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JDBC source on one engine: tokens bound per engine (instants across a daylight-saving change),
 * unknown parameters refused before any query runs, typed rows, row mappers, availability probes and
 * estimates. Subclasses name the engine and its zoned timestamp column.
 */
abstract class AbstractJdbcSourceTest {
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  TestDatabase db;

  abstract TestDatabase.Engine engine();

  /** A column type holding instants: timestamptz, TIMESTAMP WITH TIME ZONE, or a UTC DATETIME on MariaDB. */
  abstract String instantType();

  /** A literal of that type for a UTC time written {@code 2024-03-30 22:59:59}. */
  abstract String instantLiteral(String utc);

  /** The type to cast to for a date-time without zone (TIMESTAMP, DATETIME on MariaDB). */
  String localDateTimeType() {
    return "TIMESTAMP";
  }

  @BeforeEach
  void setUp() {
    db = TestDatabase.open(engine());
    db.exec("CREATE TABLE events (id INT NOT NULL, ts " + instantType() + " NOT NULL, amount DECIMAL(10, 2))");
    String[][] events = {
        {"1", "2024-03-29 22:59:59"}, // 2024-03-29 23:59:59 in Berlin (CET)
        {"2", "2024-03-29 23:00:00"}, // 2024-03-30 00:00
        {"3", "2024-03-30 22:59:59"}, // 2024-03-30 23:59:59
        {"4", "2024-03-30 23:00:00"}, // 2024-03-31 00:00; that day has 23 hours
        {"5", "2024-03-31 21:59:59"}, // 2024-03-31 23:59:59 (CEST)
        {"6", "2024-03-31 22:00:00"}, // 2024-04-01 00:00
    };
    for (String[] e : events) {
      db.exec("INSERT INTO events VALUES (" + e[0] + ", " + instantLiteral(e[1]) + ", " + e[0] + ".50)");
    }
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  @Test
  void bindsInstantTokensSoEachDayGetsExactlyItsEvents() {
    db.exec("CREATE TABLE counts (" + db.q("day") + " DATE NOT NULL, events BIGINT NOT NULL, hours INT NOT NULL)");
    Backfill<Row> backfill = Backfill.builder("counts").partitioning(Partitioning.daily(BERLIN))
        .source(JdbcSource.query(db.dataSource(), "SELECT CAST(:start_date AS DATE) AS " + db.q("day")
            + ", count(*) AS events, CAST(:hours AS INT) AS hours FROM events WHERE ts >= :start_ts AND ts < :end_ts"))
        .destination(JdbcDestination.table(db.dataSource(), "counts"))
        .strategy(WriteStrategy.overwritePartition("day"))
        .build();
    RunReport report = backfill.execute(backfill.plan(PartitionRange.of("2024-03-30", "2024-04-01"))).await();

    assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(db.lines("SELECT " + db.q("day") + ", events, hours FROM counts ORDER BY " + db.q("day")))
        .containsExactly("2024-03-30|2|24", "2024-03-31|2|23", "2024-04-01|1|24");
  }

  @Test
  void bindsTheLocalDateTimeOfHourlyPartitions() {
    CollectingDestination sink = new CollectingDestination();
    Backfill<Row> backfill = Backfill.builder("hours").partitioning(Partitioning.hourly(BERLIN))
        .source(JdbcSource.query(db.dataSource(), "SELECT CAST(:hour AS " + localDateTimeType() + ") AS hour_start,"
            + " count(*) AS events FROM events WHERE ts >= :start_ts AND ts < :end_ts"))
        .destination(sink).build();
    backfill.execute(backfill.plan(PartitionRange.of("2024-03-31T00", "2024-03-31T03"))).await();

    assertThat(sink.records()).extracting(r -> ((Row) r).get("hour_start")).containsExactlyInAnyOrder(
        LocalDateTime.parse("2024-03-31T00:00"), LocalDateTime.parse("2024-03-31T01:00"),
        LocalDateTime.parse("2024-03-31T03:00"));
    assertThat(sink.records()).extracting(r -> ((Number) ((Row) r).get("events")).longValue()).containsOnly(1L, 0L);
  }

  @Test
  void anUnknownParameterFailsAtBuildAndPlanBeforeAnyQueryRuns() {
    CountingDataSource counting = new CountingDataSource(db.dataSource());
    assertThatThrownBy(() -> Backfill.builder("t").partitioning(Partitioning.daily(ZoneOffset.UTC))
        .source(JdbcSource.query(counting, "SELECT * FROM events WHERE ts >= :start_tss"))
        .destination(new CollectingDestination()).build())
        .isInstanceOf(UnknownTokenException.class)
        .hasMessageContaining("unknown token 'start_tss' in query of JdbcSource")
        .hasMessageContaining("start_ts");
    assertThatThrownBy(() -> Backfill.builder("t").partitioning(Partitioning.daily(ZoneOffset.UTC))
        .destination(JdbcDestination.table(counting, "counts").fromQuery("SELECT :regio AS r")).build())
        .isInstanceOf(UnknownTokenException.class)
        .hasMessageContaining("unknown token 'regio' in pushdown query into counts");

    // ":day" exists for single days but not for slices of several days.
    Backfill<Row> byDay = Backfill.builder("t").partitioning(Partitioning.daily(ZoneOffset.UTC))
        .source(JdbcSource.query(counting, "SELECT id FROM events WHERE CAST(ts AS DATE) = :day"))
        .destination(new CollectingDestination()).build();
    assertThatThrownBy(() -> byDay.plan(PartitionRange.of("2024-03-01", "2024-03-04"), PlanOptions.defaults().batchSize(2)))
        .isInstanceOf(UnknownTokenException.class).hasMessageContaining("unknown token 'day'");
    assertThat(counting.connections()).isZero();
  }

  @Test
  void readsRowsWithJavaTimeValuesAndTheLabelsAsWritten() {
    CollectingDestination sink = new CollectingDestination();
    Backfill<Row> backfill = Backfill.builder("typed").partitioning(Partitioning.daily(ZoneOffset.UTC))
        .source(JdbcSource.query(db.dataSource(), "SELECT id, CAST(:start_date AS DATE) AS first_day,"
            + " CAST(:start_date AS " + localDateTimeType() + ") AS local_ts, ts AS event_ts, amount, CAST(NULL AS INT) AS missing"
            + " FROM events WHERE id = 2"))
        .destination(sink).build();
    backfill.execute(backfill.plan(PartitionRange.of("2024-03-01", "2024-03-01"))).await();

    Row row = (Row) sink.records().get(0);
    assertThat(row.columns()).containsExactly("id", "first_day", "local_ts", "event_ts", "amount", "missing");
    assertThat(row.get("first_day")).isEqualTo(LocalDate.parse("2024-03-01"));
    assertThat(row.get("local_ts")).isEqualTo(LocalDateTime.parse("2024-03-01T00:00"));
    assertThat(row.get("amount")).isInstanceOf(BigDecimal.class);
    assertThat(((BigDecimal) row.get("amount")).compareTo(new BigDecimal("2.50"))).isZero();
    assertThat(row.get("missing")).isNull();
    Object ts = row.get("event_ts");
    if (ts instanceof OffsetDateTime odt) {
      assertThat(odt.toInstant()).isEqualTo(java.time.Instant.parse("2024-03-29T23:00:00Z"));
    } else {
      assertThat(ts).as("MariaDB keeps UTC times in DATETIME").isEqualTo(LocalDateTime.parse("2024-03-29T23:00"));
    }
  }

  @Test
  void mapsRowsWithARowMapper() {
    CollectingDestination sink = new CollectingDestination();
    Backfill<Long> backfill = Backfill.builder("ids").partitioning(Partitioning.daily(BERLIN))
        .source(JdbcSource.query(db.dataSource(), "SELECT id FROM events WHERE ts >= :start_ts AND ts < :end_ts ORDER BY id",
            rs -> rs.getLong("id")))
        .destination(sink).build();
    backfill.execute(backfill.plan(PartitionRange.of("2024-03-31", "2024-03-31"))).await();

    assertThat(sink.records()).containsExactly(4L, 5L);
  }

  @Test
  void availabilityProbeStopsThePlanAtPurgedPartitions() {
    JdbcSource<Row> source = JdbcSource.query(db.dataSource(), "SELECT id FROM events WHERE ts >= :start_ts AND ts < :end_ts")
        .availabilityQuery("SELECT count(*) FROM events WHERE ts >= :start_ts AND ts < :end_ts");
    Backfill<Row> backfill = Backfill.builder("probe").partitioning(Partitioning.daily(BERLIN)).source(source)
        .destination(new CollectingDestination()).build();
    PartitionRange range = PartitionRange.of("2024-03-28", "2024-03-31");

    assertThatThrownBy(() -> backfill.plan(range))
        .isInstanceOf(DataUnavailableException.class)
        .hasMessageContaining("first 2024-03-28")
        .hasMessageContaining("availability query returned 0 for partition 2024-03-28");
    BackfillPlan skipping = backfill.plan(range, PlanOptions.defaults().onUnavailable(PlanOptions.Unavailable.SKIP));
    assertThat(skipping.partitionCount()).isEqualTo(3);
  }

  @Test
  void estimateQueryFeedsTheCostProjection() {
    JdbcSource<Row> source = JdbcSource.query(db.dataSource(), "SELECT id FROM events WHERE ts >= :start_ts AND ts < :end_ts")
        .estimateQuery("SELECT count(*) * 1000 FROM events WHERE ts >= :start_ts AND ts < :end_ts");
    Backfill<Row> backfill = Backfill.builder("estimate").partitioning(Partitioning.daily(BERLIN)).source(source)
        .destination(new CollectingDestination()).build();

    BackfillPlan plan = backfill.plan(PartitionRange.of("2024-03-30", "2024-04-01"),
        PlanOptions.defaults().select(Selection.RESTATE));

    assertThat(plan.cost().rows()).hasValue(5000);
  }

  @Test
  void aPositionalParameterIsRefusedWhenTheSourceIsMade() {
    assertThatThrownBy(() -> JdbcSource.query(db.dataSource(), "SELECT * FROM events WHERE id = ?"))
        .isInstanceOf(dev.backfill.InvalidConfigurationException.class)
        .hasMessageContaining("positional parameter '?'");
  }

  @Test
  void streamsManyRowsThroughTheExecutorWithAFetchSize() {
    CollectingDestination sink = new CollectingDestination();
    Backfill<Long> backfill = Backfill.builder("many").partitioning(Partitioning.daily(ZoneOffset.UTC))
        .source(JdbcSource.query(db.dataSource(), "SELECT a.id * 10 + b.id AS n FROM events a CROSS JOIN events b"
            + " WHERE CAST(:start_date AS DATE) IS NOT NULL ORDER BY n", rs -> rs.getLong(1)).fetchSize(7))
        .destination(sink).build();
    RunReport report = backfill.execute(backfill.plan(PartitionRange.of("2024-03-01", "2024-03-01")),
        ExecutionOptions.builder().writeBatchSize(5).build()).await();

    assertThat(report.rows()).isEqualTo(36);
    assertThat(sink.records()).hasSize(36).startsWith(11L, 12L).endsWith(66L);
  }

  @Test
  void sourcesAreDescribedWithoutTheirDataSource() {
    assertThat(JdbcSource.query(db.dataSource(), "SELECT id\n  FROM events WHERE ts >= :start_ts").describe())
        .isEqualTo("JdbcSource(SELECT id FROM events WHERE ts >= :start_ts)");
    assertThat(List.of(JdbcDestination.table(db.dataSource(), "mart.daily").describe())).containsExactly(
        "JdbcDestination(mart.daily)");
  }
}
