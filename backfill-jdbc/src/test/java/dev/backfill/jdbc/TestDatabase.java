package dev.backfill.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.backfill.Row;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.jdbc.internal.RowReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * One isolated database namespace for one test: an in-memory H2 database, a PostgreSQL schema or a
 * MariaDB database with a random name, reached through its own small HikariCP pool, and dropped on
 * {@link #close()}.
 */
public final class TestDatabase implements AutoCloseable {

  /** The engines the tests run on. */
  public enum Engine {
    H2, POSTGRES, MARIADB
  }

  private final Engine engine;
  private final String name;
  private final HikariDataSource dataSource;
  private final String jdbcUrl;
  private final List<HikariDataSource> others = new ArrayList<>();

  private TestDatabase(Engine engine) {
    this.engine = engine;
    this.name = "bf_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    HikariConfig config = new HikariConfig();
    config.setPoolName("test-" + engine + "-" + name);
    config.setMaximumPoolSize(8);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(20_000);
    switch (engine) {
      case H2 -> config.setJdbcUrl("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
      case POSTGRES -> {
        admin("CREATE SCHEMA " + name);
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + name);
        config.setUsername("postgres");
      }
      case MARIADB -> {
        admin("CREATE DATABASE " + name);
        config.setJdbcUrl("jdbc:mariadb://127.0.0.1:3306/" + name);
        config.setUsername("root");
        config.setPassword("");
      }
    }
    this.jdbcUrl = config.getJdbcUrl();
    this.dataSource = new HikariDataSource(config);
  }

  public static TestDatabase open(Engine engine) {
    return new TestDatabase(engine);
  }

  public Engine engine() {
    return engine;
  }

  /**
   * The JDBC URL of this namespace, for another process to connect with {@link #user()} (PostgreSQL
   * and MariaDB; an in-memory H2 database is not reachable from another process).
   */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** The user the tests connect as. */
  public String user() {
    return engine == Engine.MARIADB ? "root" : engine == Engine.POSTGRES ? "postgres" : "";
  }

  /** Runs one statement as the administrator, outside this namespace (roles, users, other schemas). */
  public static void admin(Engine engine, String sql) {
    String url = engine == Engine.POSTGRES ? "jdbc:postgresql://127.0.0.1:5432/test?user=postgres"
        : "jdbc:mariadb://127.0.0.1:3306/test?user=root&password=";
    if (engine == Engine.H2) {
      throw new IllegalArgumentException("H2 has no administrator connection");
    }
    try (Connection c = java.sql.DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("admin SQL failed on " + engine + ": " + sql + ": " + e.getMessage(), e);
    }
  }

  /** The namespace's name (schema on PostgreSQL, database on MariaDB, database on H2). */
  public String name() {
    return name;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /**
   * Another small pool over this namespace whose connections run a statement first (e.g. set the
   * session's time zone); closed with this database.
   */
  public DataSource dataSourceWith(String connectionInitSql) {
    return newPool(connectionInitSql);
  }

  /**
   * Another small pool over this namespace: another {@code DataSource} instance, so a state store on it
   * cannot join the destination's transactions (at-least-once). Closed with this database.
   *
   * @param initSql a statement each connection runs first, or null
   */
  public HikariDataSource newPool(@org.jspecify.annotations.Nullable String initSql) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(dataSource.getPoolName() + "-" + others.size());
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(dataSource.getUsername());
    config.setPassword(dataSource.getPassword());
    config.setMaximumPoolSize(8);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(20_000);
    if (initSql != null) {
      config.setConnectionInitSql(initSql);
    }
    HikariDataSource other = new HikariDataSource(config);
    others.add(other);
    return other;
  }

  /**
   * Another pool over this namespace with a given size and connection timeout, as a host configures
   * its own pool; closed with this database.
   *
   * @param size maximum connections
   * @param connectionTimeoutMillis how long a borrower waits for a connection
   */
  public HikariDataSource newPool(int size, long connectionTimeoutMillis) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(dataSource.getPoolName() + "-" + others.size());
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(dataSource.getUsername());
    config.setPassword(dataSource.getPassword());
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(0);
    config.setConnectionTimeout(connectionTimeoutMillis);
    HikariDataSource other = new HikariDataSource(config);
    others.add(other);
    return other;
  }

  private Dialect dialect;

  public Dialect dialect() {
    if (dialect == null) {
      dialect = Dialect.detect(dataSource);
    }
    return dialect;
  }

  /** The statement that sets a session's time zone to an offset such as {@code +02:00} on this engine. */
  public String setSessionZoneSql(String offset) {
    return switch (engine) {
      case H2 -> "SET TIME ZONE '" + offset + "'";
      case POSTGRES -> "SET TIME ZONE INTERVAL '" + offset + "' HOUR TO MINUTE";
      case MARIADB -> "SET time_zone = '" + offset + "'";
    };
  }

  /** The statement that drops the index {@code name} of {@code table} on this engine. */
  public String dropIndexSql(String name, String table) {
    return engine == Engine.MARIADB ? "DROP INDEX " + name + " ON " + table : "DROP INDEX " + name;
  }

  /** A column type that holds instants on this engine. */
  public String instantType() {
    return switch (engine) {
      case H2 -> "TIMESTAMP WITH TIME ZONE";
      case POSTGRES -> "TIMESTAMPTZ";
      case MARIADB -> "TIMESTAMP NULL";
    };
  }

  /** A column type that holds local date-times on this engine. */
  public String localDateTimeType() {
    return engine == Engine.MARIADB ? "DATETIME" : "TIMESTAMP";
  }

  /** Quotes a name for hand-written test SQL (H2 reserves DAY, for example). */
  public String q(String identifier) {
    return dialect().quote(identifier);
  }

  public void exec(String... statements) {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("test SQL failed: " + String.join("; ", statements) + ": " + e.getMessage(), e);
    }
  }

  public long count(String sql) {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("test query failed: " + sql + ": " + e.getMessage(), e);
    }
  }

  /** Runs a query and returns each row as its values joined by '|' (dates ISO, numbers plain). */
  public List<String> lines(String sql) {
    return rows(sql).stream()
        .map(r -> r.asMap().values().stream().map(String::valueOf).collect(Collectors.joining("|")))
        .toList();
  }

  public List<Row> rows(String sql) {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      RowReader reader = new RowReader(rs.getMetaData(), Dialect.of(c), "test query");
      List<Row> out = new ArrayList<>();
      while (rs.next()) {
        out.add(reader.read(rs));
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("test query failed: " + sql + ": " + e.getMessage(), e);
    }
  }

  public boolean tableExists(String table) {
    try (Connection c = dataSource.getConnection()) {
      return Dialect.of(c).tableExists(c, null, table);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Drops another schema (database on MariaDB) that a test created. */
  public void dropSchema(String schema) {
    switch (engine) {
      case H2 -> exec("DROP SCHEMA IF EXISTS " + schema.toUpperCase(Locale.ROOT) + " CASCADE");
      case POSTGRES -> admin("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      case MARIADB -> admin("DROP DATABASE IF EXISTS " + schema);
    }
  }

  @Override
  public void close() {
    others.forEach(HikariDataSource::close);
    if (engine == Engine.H2) {
      try {
        exec("SHUTDOWN");
      } catch (RuntimeException e) {
        // already shut down
      }
      dataSource.close();
      return;
    }
    dataSource.close();
    dropSchema(name);
  }

  private void admin(String sql) {
    if (engine != Engine.H2) {
      admin(engine, sql);
    }
  }
}
