package dev.backfill.jdbc;

import static java.util.Objects.requireNonNull;

import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.jdbc.dialect.H2Dialect;
import dev.backfill.jdbc.dialect.MariaDbDialect;
import dev.backfill.jdbc.dialect.PostgresDialect;
import java.time.ZoneId;

/**
 * Names the SQL engine behind a {@code DataSource}, for when detecting it from the connection's
 * metadata is not wanted (the way jOOQ's {@code SQLDialect} does). Everything that differs between
 * engines stays inside the library; this type only chooses one.
 *
 * <pre>{@code
 * JdbcDestination.table(ds, "mart.daily_revenue").dialect(SqlDialect.postgres());
 * JdbcStateStore.builder(ds).dialect(SqlDialect.mariaDb()).build();
 * JdbcSource.query(ds, sql).dialect(SqlDialect.mariaDb(ZoneId.of("Europe/Berlin")));  // DATETIME columns in Berlin time
 * }</pre>
 */
public final class SqlDialect {
  private final Dialect engine;

  private SqlDialect(Dialect engine) {
    this.engine = engine;
  }

  /**
   * H2 2.x.
   *
   * @return the dialect
   */
  public static SqlDialect h2() {
    return new SqlDialect(new H2Dialect());
  }

  /**
   * PostgreSQL 9.5 or later.
   *
   * @return the dialect
   */
  public static SqlDialect postgres() {
    return new SqlDialect(new PostgresDialect());
  }

  /**
   * MariaDB 10.6 or later, or MySQL 8 or later; instants bind in each connection's session time zone.
   *
   * @return the dialect
   */
  public static SqlDialect mariaDb() {
    return new SqlDialect(new MariaDbDialect());
  }

  /**
   * MariaDB or MySQL whose {@code DATETIME} columns hold local times of one zone: instants such as
   * {@code start_ts} bind as date-times in that zone.
   *
   * @param datetimeZone zone of the local times in your {@code DATETIME} columns
   * @return the dialect
   */
  public static SqlDialect mariaDb(ZoneId datetimeZone) {
    return new SqlDialect(new MariaDbDialect(requireNonNull(datetimeZone, "datetimeZone")));
  }

  /**
   * Returns the engine's name.
   *
   * @return e.g. {@code PostgreSQL}
   */
  public String name() {
    return engine.name();
  }

  /** The engine's SQL knowledge, for the adapter's own classes. */
  Dialect engine() {
    return engine;
  }

  @Override
  public String toString() {
    return engine.name();
  }
}
