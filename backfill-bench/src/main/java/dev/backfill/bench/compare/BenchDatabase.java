package dev.backfill.bench.compare;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * One engine's database for a comparison: a fresh schema (or MariaDB database) of its own, the
 * source table {@code bench_events} and the destination {@code bench_dst}, a connection pool shared
 * by every contender, and the check that a contender wrote exactly the source's rows. Closing it
 * drops the schema.
 */
public final class BenchDatabase implements AutoCloseable {

  /** Source table. */
  public static final String SOURCE = "bench_events";
  /** Destination table. */
  public static final String DESTINATION = "bench_dst";
  /** Columns of the destination, in insert order. */
  public static final String COLUMNS = "id, day, customer_id, amount, region";
  /** The per-day source query, with one parameter: the day. */
  public static final String SOURCE_QUERY = "SELECT " + COLUMNS + " FROM " + SOURCE + " WHERE day = ?";

  private final Engine engine;
  private final String schema;
  private final HikariDataSource pool;
  private Dataset dataset;

  private BenchDatabase(Engine engine, String schema, HikariDataSource pool) {
    this.engine = engine;
    this.schema = schema;
    this.pool = pool;
  }

  /**
   * Creates a schema of its own on {@code engine} and a pool of {@code poolSize} connections to it.
   *
   * @param engine the database
   * @param poolSize connections (about 2 × concurrency + 2)
   * @return the database, to be closed
   * @throws SQLException if the engine is unreachable
   */
  public static BenchDatabase open(Engine engine, int poolSize) throws SQLException {
    String schema = "bf_bench_" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36)
        .toLowerCase(Locale.ROOT);
    try (Connection c = DriverManager.getConnection(engine.adminUrl(schema)); Statement st = c.createStatement()) {
      engine.create(st, schema);
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(engine.url(schema));
    config.setMaximumPoolSize(poolSize);
    config.setPoolName("bench-" + engine.label());
    return new BenchDatabase(engine, schema, new HikariDataSource(config));
  }

  /**
   * The engine.
   *
   * @return engine
   */
  public Engine engine() {
    return engine;
  }

  /**
   * The pool every contender uses.
   *
   * @return data source
   */
  public DataSource dataSource() {
    return pool;
  }

  /**
   * The loaded dataset.
   *
   * @return dataset
   */
  public Dataset dataset() {
    return Objects.requireNonNull(dataset, "load() first");
  }

  /**
   * Creates and fills the source table, indexed by day.
   *
   * @param data what to generate
   * @throws SQLException on failure
   */
  public void load(Dataset data) throws SQLException {
    try (Connection c = pool.getConnection()) {
      try (Statement st = c.createStatement()) {
        st.execute("CREATE TABLE " + SOURCE + " (id BIGINT NOT NULL PRIMARY KEY, day DATE NOT NULL,"
            + " customer_id BIGINT NOT NULL, amount DECIMAL(12,2) NOT NULL, region VARCHAR(8) NOT NULL)");
      }
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + SOURCE + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)")) {
        for (long i = 0; i < data.rows(); i++) {
          ps.setLong(1, i + 1);
          ps.setDate(2, Date.valueOf(data.day(i)));
          ps.setLong(3, Dataset.customer(i));
          ps.setBigDecimal(4, Dataset.amount(i));
          ps.setString(5, Dataset.region(i));
          ps.addBatch();
          if ((i + 1) % 5_000 == 0) {
            ps.executeBatch();
            c.commit();
          }
        }
        ps.executeBatch();
        c.commit();
      }
      c.setAutoCommit(true);
      try (Statement st = c.createStatement()) {
        st.execute("CREATE INDEX bench_events_day ON " + SOURCE + " (day)");
        analyze(st, SOURCE);
      }
    }
    this.dataset = data;
  }

  /**
   * Recreates the destination before a run: empty for append and pushdown; holding every source
   * row with amount 0 for overwrite and merge, so those runs replace or update every row.
   *
   * @param strategy the work about to be measured
   * @throws SQLException on failure
   */
  public void resetDestination(Strategy strategy) throws SQLException {
    resetDestination(strategy, false);
  }

  /**
   * Recreates the destination before a run, as {@link #resetDestination(Strategy)}, optionally
   * partitioned by day (one partition per day of the dataset; the key then includes the day, as both
   * engines require).
   *
   * @param strategy the work about to be measured
   * @param partitioned true for a table partitioned by day
   * @throws SQLException on failure
   */
  public void resetDestination(Strategy strategy, boolean partitioned) throws SQLException {
    try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS " + DESTINATION);
      String columns = "(id BIGINT NOT NULL, day DATE NOT NULL, customer_id BIGINT NOT NULL, amount DECIMAL(12,2)"
          + " NOT NULL, region VARCHAR(8) NOT NULL, PRIMARY KEY (" + (partitioned ? "id, day" : "id") + "))";
      if (partitioned) {
        for (String ddl : engine.partitionedByDay(DESTINATION, columns, dataset().dayList())) {
          st.execute(ddl);
        }
      } else {
        st.execute("CREATE TABLE " + DESTINATION + " " + columns);
      }
      st.execute("CREATE INDEX bench_dst_day ON " + DESTINATION + " (day)");
      if (strategy == Strategy.OVERWRITE || strategy == Strategy.OVERWRITE_PARTITIONED || strategy == Strategy.MERGE) {
        st.execute("INSERT INTO " + DESTINATION + " (" + COLUMNS + ") SELECT id, day, customer_id, 0, region FROM " + SOURCE);
      }
      analyze(st, DESTINATION);
    }
  }

  /**
   * Fails unless the destination holds exactly the source's rows: same count, same sum of ids,
   * same total amount, no row left at amount 0 from the pre-fill.
   *
   * @param who the contender, for the message
   * @throws SQLException on failure
   * @throws IllegalStateException if the content differs
   */
  public void verify(String who) throws SQLException {
    String totals = "SELECT count(*), coalesce(sum(id), 0), coalesce(sum(amount), 0) FROM ";
    try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
      String expected = totals(st, totals + SOURCE);
      String actual = totals(st, totals + DESTINATION);
      if (!expected.equals(actual)) {
        throw new IllegalStateException(who + " on " + engine.label() + " left " + DESTINATION + " with (rows, sum id, sum amount) = "
            + actual + "; expected " + expected + " as in " + SOURCE);
      }
    }
  }

  private static String totals(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      BigDecimal amount = rs.getBigDecimal(3).setScale(2);
      return "(" + rs.getLong(1) + ", " + rs.getLong(2) + ", " + amount.toPlainString() + ")";
    }
  }

  /**
   * Drops tables a contender keeps between runs (its run history), so every repetition starts alike.
   *
   * @param tablePrefix prefix of the tables to drop, such as {@code bench_bf_}
   * @throws SQLException on failure
   */
  public void dropTables(String tablePrefix) throws SQLException {
    try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
      for (String name : tables(c, tablePrefix)) {
        st.execute("DROP TABLE IF EXISTS " + name + (engine == Engine.MARIADB ? "" : " CASCADE"));
      }
    }
  }

  /**
   * Removes the dead row versions earlier rounds left, as autovacuum would between rounds: this
   * machine's PostgreSQL runs with {@code autovacuum = off} (its CI configuration), so without this a
   * round would pay for every round before it and the order of rounds would decide their rates.
   * On MariaDB nothing is done: InnoDB purges old row versions in the background.
   *
   * @throws SQLException on failure
   */
  public void vacuum() throws SQLException {
    if (engine != Engine.POSTGRES) {
      return;
    }
    try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
      for (String name : tables(c, "")) {
        st.execute("VACUUM ANALYZE \"" + name + "\"");
      }
    }
  }

  private List<String> tables(Connection c, String prefix) throws SQLException {
    List<String> names = new ArrayList<>();
    String catalog = engine == Engine.MARIADB ? schema : null;
    String schemaPattern = engine == Engine.MARIADB ? null : c.getSchema();
    try (ResultSet rs = c.getMetaData().getTables(catalog, schemaPattern, "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        String name = rs.getString("TABLE_NAME");
        if (name.toLowerCase(Locale.ROOT).startsWith(prefix.toLowerCase(Locale.ROOT))) {
          names.add(name);
        }
      }
    }
    return names;
  }

  private void analyze(Statement st, String table) throws SQLException {
    switch (engine) {
      case POSTGRES -> st.execute("ANALYZE " + table);
      case MARIADB -> st.execute("ANALYZE TABLE " + table);
      case H2 -> st.execute("ANALYZE TABLE " + table);
    }
  }

  @Override
  public void close() throws SQLException {
    pool.close();
    try (Connection c = DriverManager.getConnection(engine.adminUrl(schema)); Statement st = c.createStatement()) {
      engine.drop(st, schema);
    }
  }

  /**
   * The JDBC URL of this database's schema, for worker JVMs that open pools of their own.
   *
   * @return the URL
   */
  public String url() {
    return engine.url(schema);
  }

  @Override
  public String toString() {
    return engine.label() + " schema " + schema;
  }
}
