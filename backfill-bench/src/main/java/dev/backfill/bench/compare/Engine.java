package dev.backfill.bench.compare;

import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A database the comparison runs on, with the connection settings every contender shares (the same
 * URL, so batch rewriting is on for all or for none) and the few statements whose syntax differs.
 * Each run works in its own schema (PostgreSQL, H2) or database (MariaDB), dropped at the end.
 */
public enum Engine {
  /** Embedded H2 in a file under {@code target/}, so its data does not sit in the measured heap. */
  H2 {
    @Override
    String url(String schema) {
      return "jdbc:h2:file:" + Path.of("target", "bench-h2", schema).toAbsolutePath() + ";NON_KEYWORDS=DAY";
    }

    @Override
    String adminUrl(String schema) {
      return url(schema);
    }

    @Override
    void create(Statement admin, String schema) {
      // the database file is the run's own
    }

    @Override
    void drop(Statement admin, String schema) throws SQLException {
      admin.execute("DROP ALL OBJECTS DELETE FILES");
    }

    @Override
    String upsert(String table) {
      return "MERGE INTO " + table + " (id, day, customer_id, amount, region) KEY (id) VALUES (?, ?, ?, ?, ?)";
    }
  },

  /** PostgreSQL on 127.0.0.1:5432, database {@code test}, with {@code reWriteBatchedInserts=true}. */
  POSTGRES {
    @Override
    String url(String schema) {
      return "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&reWriteBatchedInserts=true&currentSchema=" + schema;
    }

    @Override
    String adminUrl(String schema) {
      return "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    }

    @Override
    void create(Statement admin, String schema) throws SQLException {
      admin.execute("CREATE SCHEMA " + schema);
    }

    @Override
    void drop(Statement admin, String schema) throws SQLException {
      admin.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    @Override
    String upsert(String table) {
      return "INSERT INTO " + table + " (id, day, customer_id, amount, region) VALUES (?, ?, ?, ?, ?)"
          + " ON CONFLICT (id) DO UPDATE SET day = EXCLUDED.day, customer_id = EXCLUDED.customer_id,"
          + " amount = EXCLUDED.amount, region = EXCLUDED.region";
    }

    @Override
    List<String> partitionedByDay(String table, String columns, List<LocalDate> days) {
      List<String> ddl = new ArrayList<>(List.of("CREATE TABLE " + table + " " + columns + " PARTITION BY RANGE (day)"));
      for (LocalDate d : days) {
        ddl.add("CREATE TABLE " + table + "_" + d.toString().replace("-", "") + " PARTITION OF " + table
            + " FOR VALUES FROM ('" + d + "') TO ('" + d.plusDays(1) + "')");
      }
      return ddl;
    }
  },

  /** MariaDB on 127.0.0.1:3306 as {@code root}; Connector/J 3 sends batches in bulk. */
  MARIADB {
    @Override
    String url(String schema) {
      return "jdbc:mariadb://127.0.0.1:3306/" + schema + "?user=root";
    }

    @Override
    String adminUrl(String schema) {
      return "jdbc:mariadb://127.0.0.1:3306/test?user=root";
    }

    @Override
    void create(Statement admin, String schema) throws SQLException {
      admin.execute("CREATE DATABASE " + schema);
    }

    @Override
    void drop(Statement admin, String schema) throws SQLException {
      admin.execute("DROP DATABASE IF EXISTS " + schema);
    }

    @Override
    String upsert(String table) {
      return "INSERT INTO " + table + " (id, day, customer_id, amount, region) VALUES (?, ?, ?, ?, ?)"
          + " ON DUPLICATE KEY UPDATE day = VALUES(day), customer_id = VALUES(customer_id),"
          + " amount = VALUES(amount), region = VALUES(region)";
    }

    @Override
    List<String> partitionedByDay(String table, String columns, List<LocalDate> days) {
      StringBuilder parts = new StringBuilder("PARTITION p_before VALUES LESS THAN ('" + days.get(0) + "')");
      for (LocalDate d : days) {
        parts.append(", PARTITION p").append(d.toString().replace("-", "")).append(" VALUES LESS THAN ('")
            .append(d.plusDays(1)).append("')");
      }
      return List.of("CREATE TABLE " + table + " " + columns + " PARTITION BY RANGE COLUMNS(day) (" + parts + ")");
    }
  };

  /**
   * The URL every contender connects with.
   *
   * @param schema the run's own schema or database
   * @return JDBC URL
   */
  abstract String url(String schema);

  /**
   * A URL from which the run's schema can be created and dropped.
   *
   * @param schema the run's own schema or database
   * @return JDBC URL
   */
  abstract String adminUrl(String schema);

  /**
   * Creates the run's schema or database.
   *
   * @param admin a statement on {@link #adminUrl}
   * @param schema generated name (letters, digits, underscores)
   * @throws SQLException on failure
   */
  abstract void create(Statement admin, String schema) throws SQLException;

  /**
   * Drops the run's schema or database and everything in it.
   *
   * @param admin a statement on {@link #adminUrl}
   * @param schema generated name
   * @throws SQLException on failure
   */
  abstract void drop(Statement admin, String schema) throws SQLException;

  /**
   * The hand-written upsert of one destination row keyed by {@code id}.
   *
   * @param table destination table
   * @return SQL with five parameters: id, day, customer_id, amount, region
   */
  abstract String upsert(String table);

  /**
   * Creates a table partitioned by {@code day}, one partition per day.
   *
   * @param table the table
   * @param columns its column list in parentheses
   * @param days the days, ascending
   * @return the statements
   * @throws UnsupportedOperationException on H2 (no native partitions)
   */
  List<String> partitionedByDay(String table, String columns, List<LocalDate> days) {
    throw new UnsupportedOperationException(label() + " has no native partitions");
  }

  /**
   * Parses an engine name as given on the command line.
   *
   * @param name {@code h2}, {@code postgres} or {@code mariadb}
   * @return the engine
   */
  public static Engine parse(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "h2" -> H2;
      case "postgres", "postgresql", "pg" -> POSTGRES;
      case "mariadb", "mysql" -> MARIADB;
      default -> throw new IllegalArgumentException(
          "unknown engine '" + name + "'; expected one of h2, postgres, mariadb");
    };
  }

  /**
   * Lower-case display name.
   *
   * @return name for tables and logs
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
