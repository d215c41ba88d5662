package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.dialect.BulkInsert;
import dev.backfill.jdbc.dialect.PostgresDialect;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL loads plain inserts with COPY: values that COPY's text format could garble (tabs,
 * newlines, backslashes, the null marker as text, NaN, high-precision decimals) come back exactly as
 * written, batches with values COPY must not carry take the bound-parameter path, and a slice that
 * fails in the middle of a COPY leaves nothing.
 */
class PostgresCopyTest {

  private static final String COLUMNS = "day, txt, n, big, dec, dbl, flag, ts, tstz";

  private TestDatabase db;

  @BeforeEach
  void setUp() {
    db = TestDatabase.open(TestDatabase.Engine.POSTGRES);
    db.exec("CREATE TABLE typed (day DATE NOT NULL, txt TEXT, n INT, big BIGINT, dec NUMERIC(20,6),"
        + " dbl DOUBLE PRECISION, flag BOOLEAN, ts TIMESTAMP, tstz TIMESTAMPTZ)");
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  private static Row row(LocalDate day, String txt, Integer n, Long big, BigDecimal dec, Double dbl, Boolean flag,
      LocalDateTime ts, OffsetDateTime tstz) {
    return Row.of("day", day, "txt", txt, "n", n, "big", big, "dec", dec, "dbl", dbl, "flag", flag, "ts", ts,
        "tstz", tstz);
  }

  private static final LocalDate D1 = LocalDate.parse("2024-01-01");
  private static final LocalDate D2 = LocalDate.parse("2024-01-02");

  /** Day 1: only types COPY carries; day 2: the same plus an OffsetDateTime, so its batch is bound. */
  private static final List<Row> ROWS = List.of(
      row(D1, "tab\there", 1, 10L, new BigDecimal("12345678901234.123456"), Double.NaN, true,
          LocalDateTime.parse("2024-01-01T10:15:30.123456"), null),
      row(D1, "new\nline and\r\nreturn", -2, Long.MAX_VALUE, new BigDecimal("-0.000001"), Double.POSITIVE_INFINITY, false,
          LocalDateTime.parse("0001-01-01T00:00"), null),
      row(D1, "back\\slash \\N and \\t", null, null, null, null, null, null, null),
      row(D1, "\\N", 0, 0L, BigDecimal.ZERO, -0.5e-300, true, LocalDateTime.parse("9999-12-31T23:59:59.999999"), null),
      row(D1, "ünïcödé ✓ 😀 'quote' \"dq\" ,comma", 3, 3L, new BigDecimal("1E+3"), 1.0e22, false, null, null),
      row(D1, "", 4, 4L, new BigDecimal("7"), Double.NEGATIVE_INFINITY, null, null, null),
      row(D2, "with offset", 5, 5L, BigDecimal.ONE, 2.5, true, null,
          OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2))));

  @Test
  void everyValueComesBackExactlyAsWritten() {
    RunReport report = backfill(WriteStrategy.append()).execute(backfill(WriteStrategy.append())
        .plan(PartitionRange.of("2024-01-01", "2024-01-02")), ExecutionOptions.defaults()).await();

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(report.rows()).isEqualTo(ROWS.size());
    List<Row> back = db.rows("SELECT " + COLUMNS + " FROM typed ORDER BY day, n NULLS FIRST, txt");
    List<Row> expected = new ArrayList<>(ROWS);
    expected.sort(java.util.Comparator.comparing((Row r) -> (LocalDate) r.get("day"))
        .thenComparing(r -> (Integer) r.get("n"), java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()))
        .thenComparing(r -> (String) r.get("txt")));
    assertThat(back).hasSize(expected.size());
    for (int i = 0; i < back.size(); i++) {
      Row a = back.get(i);
      Row e = expected.get(i);
      assertThat(a.get("txt")).isEqualTo(e.get("txt"));
      assertThat(a.get("n")).isEqualTo(e.get("n"));
      assertThat(a.get("big")).isEqualTo(e.get("big"));
      assertThat(a.get("dec") == null ? null : ((BigDecimal) a.get("dec")).compareTo((BigDecimal) e.get("dec")))
          .isEqualTo(e.get("dec") == null ? null : 0);
      assertThat(a.get("dbl")).isEqualTo(e.get("dbl"));
      assertThat(a.get("flag")).isEqualTo(e.get("flag"));
      assertThat(a.get("ts")).isEqualTo(e.get("ts"));
      assertThat(a.get("tstz") == null ? null : ((OffsetDateTime) a.get("tstz")).toInstant())
          .isEqualTo(e.get("tstz") == null ? null : ((OffsetDateTime) e.get("tstz")).toInstant());
    }
  }

  @Test
  void copyCarriesPlainValuesAndLeavesOffsetsToBoundParameters() throws SQLException {
    List<String> cols = List.of(COLUMNS.split(", "));
    try (Connection c = db.dataSource().getConnection()) {
      Optional<BulkInsert> copy = new PostgresDialect().bulkInsert(c, "typed", cols);

      assertThat(copy).isPresent();
      assertThat(copy.get().accepts(ROWS.subList(0, 6))).isTrue();
      assertThat(copy.get().accepts(ROWS)).isFalse(); // the OffsetDateTime
      assertThat(copy.get().accepts(List.of(Row.of("day", D1, "txt", "x", "n", new BigDecimal("1.5"), "big", 1L,
          "dec", null, "dbl", null, "flag", null, "ts", null, "tstz", null)))).as("a decimal into an INT column").isFalse();
    }
  }

  @Test
  void aSliceThatFailsInTheMiddleOfACopyLeavesNothing() {
    db.exec("ALTER TABLE typed ADD CONSTRAINT small_n CHECK (n IS NULL OR n < 4)");

    RunReport report = backfill(WriteStrategy.append()).execute(backfill(WriteStrategy.append())
        .plan(PartitionRange.of("2024-01-01", "2024-01-01")), ExecutionOptions.defaults()).await();

    assertThat(report.succeeded()).isFalse();
    assertThat(report.slice("2024-01-01").orElseThrow().error()).contains("small_n");
    assertThat(db.count("SELECT count(*) FROM typed")).isZero();
  }

  private Backfill<Row> backfill(WriteStrategy strategy) {
    return Backfill.builder("typed")
        .partitioning(Partitioning.daily(ZoneOffset.UTC).named("day"))
        .<Row>source((slice, ctx, sink) -> {
          LocalDate day = (LocalDate) slice.tokens().get("start_date");
          ROWS.stream().filter(r -> r.get("day").equals(day)).forEach(sink::accept);
        })
        .destination(JdbcDestination.table(db.dataSource(), "typed"))
        .strategy(strategy)
        .stateStore(JdbcStateStore.create(db.dataSource()))
        .build();
  }
}
