package dev.backfill.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import javax.sql.DataSource;

/** An embedded H2 database with an {@code events} table, shared by the examples. */
final class DemoData {
  private DemoData() {}

  /**
   * Opens an in-memory H2 database behind a HikariCP pool.
   *
   * @param name database name
   * @return the pool; close it when done
   */
  static HikariDataSource openH2(String name) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
    config.setMaximumPoolSize(8);
    config.setPoolName(name);
    return new HikariDataSource(config);
  }

  /**
   * Creates {@code events(id, ts, customer_id, amount)} with a few purchases per customer and day.
   *
   * @param ds the database
   * @param zone zone in which days start
   * @param first first day with events
   * @param last last day with events
   * @throws SQLException on failure
   */
  static void createEvents(DataSource ds, ZoneId zone, LocalDate first, LocalDate last) throws SQLException {
    try (Connection c = ds.getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE events (id BIGINT PRIMARY KEY, ts TIMESTAMP WITH TIME ZONE NOT NULL,"
            + " customer_id INT NOT NULL, amount DECIMAL(10, 2) NOT NULL)");
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO events VALUES (?, ?, ?, ?)")) {
        long id = 0;
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
          ZonedDateTime start = day.atStartOfDay(zone);
          for (int customer = 1; customer <= 3; customer++) {
            int purchases = day.getDayOfMonth() % 3 + customer;
            for (int i = 0; i < purchases; i++) {
              ps.setLong(1, ++id);
              ps.setObject(2, start.plusHours(2L + 5L * i).toOffsetDateTime());
              ps.setInt(3, customer);
              ps.setBigDecimal(4, BigDecimal.valueOf(1000L * customer + day.getDayOfMonth() * 10L + i, 2));
              ps.addBatch();
            }
          }
        }
        ps.executeBatch();
      }
    }
  }

  /**
   * Runs statements on one connection.
   *
   * @param ds the database
   * @param statements SQL statements
   * @throws SQLException on failure
   */
  static void exec(DataSource ds, String... statements) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  /**
   * Runs a query and formats its rows as aligned text lines.
   *
   * @param ds the database
   * @param sql the query
   * @return header line and one line per row
   * @throws SQLException on failure
   */
  static List<String> table(DataSource ds, String sql) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      StringJoiner header = new StringJoiner(" ");
      for (int i = 1; i <= md.getColumnCount(); i++) {
        header.add(String.format("%-12s", md.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT)));
      }
      lines.add(header.toString());
      while (rs.next()) {
        StringJoiner row = new StringJoiner(" ");
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.add(String.format("%-12s", rs.getString(i)));
        }
        lines.add(row.toString());
      }
    }
    return lines;
  }

  /**
   * Fills {@code events(id, ts, customer_id, amount)} with {@code perDay} purchases a day over a range
   * of days, spread evenly over each day, by 200 customers, in one statement (H2's SYSTEM_RANGE).
   *
   * @param ds the database
   * @param zone zone in which days start
   * @param days the days, as a daily range
   * @param perDay events per day
   * @return rows inserted
   * @throws SQLException on failure
   */
  static long createManyEvents(DataSource ds, ZoneId zone, dev.backfill.PartitionRange days, int perDay)
      throws SQLException {
    LocalDate first = LocalDate.parse(days.start());
    long count = java.time.temporal.ChronoUnit.DAYS.between(first, LocalDate.parse(days.end())) + 1;
    try (Connection c = ds.getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE events (id BIGINT PRIMARY KEY, ts TIMESTAMP WITH TIME ZONE NOT NULL,"
            + " customer_id INT NOT NULL, amount DECIMAL(10, 2) NOT NULL)");
      }
      long total = 0;
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO events SELECT ? + X,"
          + " DATEADD(MILLISECOND, CAST(X * ? AS BIGINT), CAST(? AS TIMESTAMP WITH TIME ZONE)),"
          + " MOD(X * 7919, 200) + 1, CAST(MOD(X * 104729, 20000) AS DECIMAL(10, 2)) / 100 FROM SYSTEM_RANGE(0, ? - 1)")) {
        for (long d = 0; d < count; d++) {
          ZonedDateTime start = first.plusDays(d).atStartOfDay(zone);
          long millis = java.time.Duration.between(start, start.plusDays(1)).toMillis();
          ps.setLong(1, d * perDay);
          ps.setDouble(2, (double) millis / perDay);
          ps.setObject(3, start.toOffsetDateTime());
          ps.setInt(4, perDay);
          total += ps.executeUpdate();
        }
      }
      return total;
    }
  }

  /**
   * Estimates a day's aggregate rows: the customers with events in its window.
   *
   * @param ds the database
   * @param day a daily partition
   * @return the estimate
   * @throws SQLException on failure
   */
  static java.util.Optional<dev.backfill.spi.Estimate> customersOf(DataSource ds, dev.backfill.Partition day)
      throws SQLException {
    dev.backfill.TimeWindow w = day.window().orElseThrow();
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT COUNT(DISTINCT customer_id) FROM events WHERE ts >= ? AND ts < ?")) {
      ps.setObject(1, w.startOffsetDateTime());
      ps.setObject(2, w.endOffsetDateTime());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return java.util.Optional.of(dev.backfill.spi.Estimate.rows(rs.getLong(1)));
      }
    }
  }
}
