package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.PlanOptions;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.Selection;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.PartitionState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A backfill whose connections run in a session time zone of +02:00, on one engine: the
 * {@code start_ts}/{@code end_ts} tokens select the same instants from a column that holds instants,
 * instant values are written as the instants they are, local date-time columns are compared in the
 * session's zone (as the engine itself compares them), and the state store's times stay right.
 * Events are inserted and read back through a UTC session. Subclasses name the engine.
 */
abstract class AbstractSessionZoneTest extends EngineTest {
  static final PartitionRange TWO_DAYS = PartitionRange.of("2024-01-01", "2024-01-02");
  static final Instant NOW = Instant.parse("2024-06-01T12:34:56.789Z");

  DataSource zoned;

  @BeforeEach
  void setUp() {
    zoned = db.dataSourceWith(db.setSessionZoneSql("+02:00"));
    db.exec("CREATE TABLE daily_events (" + db.q("day") + " DATE NOT NULL, id INT NOT NULL)");
  }

  @Test
  void tokensSelectTheSameInstantsFromAnInstantColumnWhateverTheSessionZone() {
    db.exec("CREATE TABLE events (id INT NOT NULL, ts " + db.instantType() + ")");
    insertEvents(OffsetDateTime.parse("2024-01-01T21:30Z"), OffsetDateTime.parse("2024-01-01T23:30Z"),
        OffsetDateTime.parse("2024-01-02T00:30Z"));

    RunReport report = run(perDay("events"));

    assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(countsPerDay()).as("UTC days of 21:30, 23:30 and 00:30 UTC").containsExactly("2024-01-01|2", "2024-01-02|1");
  }

  @Test
  void instantValuesAreWrittenAsTheInstantsTheyAreWhateverTheSessionZone() {
    db.exec("CREATE TABLE starts (" + db.q("day") + " DATE NOT NULL, started " + db.instantType() + ")");
    Backfill<Row> backfill = Backfill.builder("starts").partitioning(Partitioning.daily(ZoneOffset.UTC))
        .<Row>source((slice, ctx, sink) -> sink.accept(Row.of("day", slice.tokens().get("start_date"),
            "started", slice.tokens().get("start_ts"))))
        .destination(JdbcDestination.table(zoned, "starts")).strategy(WriteStrategy.overwritePartition("day"))
        .stateStore(JdbcStateStore.create(zoned)).build();

    assertThat(run(backfill).status()).isEqualTo(RunStatus.SUCCEEDED);

    assertThat(instants("SELECT started FROM starts ORDER BY " + db.q("day")))
        .containsExactly(Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2024-01-02T00:00:00Z"));
  }

  /** Local date-times mean times of the session's zone, as the engine itself reads them against instants. */
  @Test
  void localDateTimeColumnsAreComparedInTheSessionZone() {
    db.exec("CREATE TABLE events (id INT NOT NULL, ts " + db.localDateTimeType() + ")");
    insertEvents(LocalDateTime.parse("2024-01-01T01:30"), LocalDateTime.parse("2024-01-01T23:30"),
        LocalDateTime.parse("2024-01-02T01:30"), LocalDateTime.parse("2024-01-02T02:30"));

    assertThat(run(perDay("events")).status()).isEqualTo(RunStatus.SUCCEEDED);

    assertThat(countsPerDay()).as("at +02:00, 23:30 and 01:30 are on the first UTC day, 02:30 on the second")
        .containsExactly("2024-01-01|2", "2024-01-02|1");
  }

  @Test
  void theStateStoreKeepsInstantsWhateverTheSessionZone() {
    db.exec("CREATE TABLE events (id INT NOT NULL, ts " + db.instantType() + ")");
    JdbcStateStore store = JdbcStateStore.create(zoned);
    Backfill<Row> backfill = perDay("events", store);

    assertThat(run(backfill).status()).isEqualTo(RunStatus.SUCCEEDED);

    List<Instant> succeeded = new ArrayList<>();
    store.forEachPartitionState("daily_events", (PartitionState s) -> succeeded.add(s.succeededAt()));
    assertThat(succeeded).containsExactly(NOW.truncatedTo(java.time.temporal.ChronoUnit.MICROS),
        NOW.truncatedTo(java.time.temporal.ChronoUnit.MICROS));
    assertThat(Duration.between(Instant.now(), store.now()).abs()).isLessThan(Duration.ofMinutes(1));
  }

  Backfill<Row> perDay(String table) {
    return perDay(table, JdbcStateStore.create(zoned));
  }

  Backfill<Row> perDay(String table, JdbcStateStore store) {
    return Backfill.builder("daily_events").partitioning(Partitioning.daily(ZoneOffset.UTC))
        .source(JdbcSource.query(zoned, "SELECT CAST(:start_date AS DATE) AS " + db.q("day") + ", id FROM " + table
            + " WHERE ts >= :start_ts AND ts < :end_ts"))
        .destination(JdbcDestination.table(zoned, "daily_events")).strategy(WriteStrategy.overwritePartition("day"))
        .stateStore(store).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
  }

  RunReport run(Backfill<Row> backfill) {
    return backfill.execute(backfill.plan(TWO_DAYS, PlanOptions.defaults().select(Selection.RESTATE))).await();
  }

  List<String> countsPerDay() {
    return db.lines("SELECT " + db.q("day") + ", count(*) FROM daily_events GROUP BY " + db.q("day") + " ORDER BY "
        + db.q("day"));
  }

  /** Inserts events 1, 2, ... through a UTC session. */
  void insertEvents(Object... times) {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("INSERT INTO events (id, ts) VALUES (?, ?)")) {
      for (int i = 0; i < times.length; i++) {
        ps.setInt(1, i + 1);
        db.dialect().bind(ps, 2, times[i]);
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads instants through a UTC session (local date-times there are UTC). */
  List<Instant> instants(String sql) {
    return db.rows(sql).stream().map(r -> r.get(0) instanceof OffsetDateTime o ? o.toInstant()
        : ((LocalDateTime) r.get(0)).toInstant(ZoneOffset.UTC)).toList();
  }
}
