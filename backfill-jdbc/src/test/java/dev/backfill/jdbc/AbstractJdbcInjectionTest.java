package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.Backfill;
import dev.backfill.ExecutionOptions;
import dev.backfill.InvalidConfigurationException;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.SliceReport;
import dev.backfill.SliceStatus;
import dev.backfill.WriteStrategy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SQL injection on one engine: table names, column names, strategy keys, static partition keys and
 * token values carrying quotes, semicolons and comment markers are refused (names) or bound as values
 * (keys and tokens), and a canary table proves that no extra statement ran.
 */
abstract class AbstractJdbcInjectionTest {
  static final String DROP = "'; DROP TABLE canary; --";
  static final String EU = "eu" + DROP;
  static final String US = "us\"; DELETE FROM canary /* x */ #";
  static final String NOTE = "x'); DROP TABLE canary; -- ;\"`/*";

  TestDatabase db;

  abstract TestDatabase.Engine engine();

  /** A cast of a bound text parameter for the engine (MariaDB casts to CHAR). */
  String textCast(String param) {
    return "CAST(" + param + " AS VARCHAR(200))";
  }

  @BeforeEach
  void setUp() {
    db = TestDatabase.open(engine());
    db.exec("CREATE TABLE canary (id INT NOT NULL)", "INSERT INTO canary VALUES (1)", "INSERT INTO canary VALUES (2)");
    db.exec("CREATE TABLE daily (" + db.q("day") + " DATE NOT NULL, revenue BIGINT NOT NULL)",
        "INSERT INTO daily VALUES (DATE '2024-01-01', 7)");
  }

  @AfterEach
  void tearDown() {
    try {
      assertCanaryUntouched();
    } finally {
      db.close();
    }
  }

  void assertCanaryUntouched() {
    assertThat(db.tableExists("canary")).as("canary table still exists").isTrue();
    assertThat(db.count("SELECT count(*) FROM canary")).as("canary rows unchanged").isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"daily; DROP TABLE canary", "daily\"; DROP TABLE canary; --", "daily` --", "daily--",
      "dai/*x*/ly", "daily x", "mart.daily;", "a.b.c", "daily'"})
  void tableNamesThatAreNotPlainNamesAreRefused(String table) {
    assertThatThrownBy(() -> JdbcDestination.table(db.dataSource(), table))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("table name '" + table + "'");
  }

  @Test
  void columnNamesFromRowsAreRefusedAndTheSliceRollsBack() {
    String column = "revenue) VALUES (1, 1); DROP TABLE canary; --";
    Backfill<Row> backfill = Backfill.builder("daily").partitioning(Partitioning.daily(ZoneOffset.UTC))
        .<Row>source((slice, ctx, sink) -> sink.accept(Row.of("day", slice.tokens().get("day"), column, 1L)))
        .destination(JdbcDestination.table(db.dataSource(), "daily"))
        .strategy(WriteStrategy.overwritePartition("day"))
        .build();
    RunReport report = backfill.execute(backfill.plan(PartitionRange.of("2024-01-01", "2024-01-01")),
        ExecutionOptions.builder().retry(RetryPolicy.none()).build()).await();

    SliceReport slice = report.slices().get(0);
    assertThat(slice.status()).isEqualTo(SliceStatus.FAILED);
    assertThat(slice.error()).contains("column name '" + column + "' is not a safe SQL identifier");
    assertThat(db.lines("SELECT " + db.q("day") + ", revenue FROM daily")).containsExactly("2024-01-01|7");
  }

  @Test
  void strategyColumnsAreRefusedWhenTheBackfillIsBuilt() {
    Backfill.Builder<Row> builder = Backfill.builder("daily").partitioning(Partitioning.daily(ZoneOffset.UTC))
        .<Row>source((slice, ctx, sink) -> { })
        .destination(JdbcDestination.table(db.dataSource(), "daily"));
    assertThatThrownBy(() -> builder.strategy(WriteStrategy.merge("day", "revenue; DROP TABLE canary")).build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("column name in merge(day, revenue; DROP TABLE canary) 'revenue; DROP TABLE canary'");
    assertThatThrownBy(() -> builder.strategy(WriteStrategy.merge("id /* */")).build())
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("'id /* */'");
  }

  @Test
  void staticKeysAndTokenValuesAreBoundAsValues() {
    createRegionTables();
    Backfill<Row> backfill = Backfill.builder("by_region").partitioning(Partitioning.keys(EU, US).named("region"))
        .token("note", NOTE)
        .source(JdbcSource.query(db.dataSource(), "SELECT region, amount, " + textCast(":note") + " AS note"
            + " FROM regions WHERE region = :region"))
        .destination(JdbcDestination.table(db.dataSource(), "by_region"))
        .strategy(WriteStrategy.overwritePartition("region"))
        .check(JdbcChecks.sql("SELECT count(*) FROM by_region WHERE region = :region AND note = :note",
            JdbcChecks.exactly(1)))
        .build();

    assertBothRegionsWrittenWithTheNote(backfill);
  }

  @Test
  void staticKeysAndTokenValuesAreBoundAsValuesInPushdowns() {
    createRegionTables();
    Backfill<Object> backfill = Backfill.builder("by_region").partitioning(Partitioning.keys(EU, US).named("region"))
        .token("note", NOTE)
        .destination(JdbcDestination.table(db.dataSource(), "by_region").fromQuery(
            "SELECT region, amount, " + textCast(":note") + " AS note FROM regions WHERE region = :region"))
        .strategy(WriteStrategy.merge("region"))
        .build();

    assertBothRegionsWrittenWithTheNote(backfill);
  }

  @Test
  void valuesInRowsAreBound() {
    Backfill<Row> backfill = Backfill.builder("notes").partitioning(Partitioning.daily(ZoneOffset.UTC))
        .<Row>source((slice, ctx, sink) -> sink.accept(Row.of("day", slice.tokens().get("day"), "note", NOTE)))
        .destination(JdbcDestination.table(db.dataSource(), "notes"))
        .build();
    db.exec("CREATE TABLE notes (" + db.q("day") + " DATE NOT NULL, note VARCHAR(200) NOT NULL)");
    backfill.execute(backfill.plan(PartitionRange.of("2024-01-01", "2024-01-02"))).await();

    assertThat(db.lines("SELECT " + db.q("day") + ", note FROM notes ORDER BY " + db.q("day")))
        .containsExactly("2024-01-01|" + NOTE, "2024-01-02|" + NOTE);
  }

  /** Runs EU..US and expects exactly their rows, each with the note as written: keys and tokens bound as values. */
  private void assertBothRegionsWrittenWithTheNote(Backfill<?> backfill) {
    RunReport report = backfill.execute(backfill.plan(PartitionRange.of(EU, US))).await();

    assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(db.lines("SELECT region, amount, note FROM by_region ORDER BY amount"))
        .containsExactly(EU + "|10|" + NOTE, US + "|20|" + NOTE);
  }

  private void createRegionTables() {
    db.exec("CREATE TABLE regions (region VARCHAR(100) NOT NULL, amount BIGINT NOT NULL)",
        "CREATE TABLE by_region (region VARCHAR(100) NOT NULL PRIMARY KEY, amount BIGINT NOT NULL, note VARCHAR(200))");
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("INSERT INTO regions VALUES (?, ?)")) {
      for (Object[] r : List.of(new Object[] {EU, 10L}, new Object[] {US, 20L}, new Object[] {"eu", 99L})) {
        ps.setString(1, (String) r[0]);
        ps.setLong(2, (Long) r[1]);
        ps.executeUpdate();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
