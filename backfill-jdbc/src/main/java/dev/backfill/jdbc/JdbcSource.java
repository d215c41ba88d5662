package dev.backfill.jdbc;

import static java.util.Objects.requireNonNull;

import dev.backfill.InvalidConfigurationException;
import dev.backfill.Partition;
import dev.backfill.Row;
import dev.backfill.Slice;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.jdbc.internal.DialectHolder;
import dev.backfill.jdbc.internal.NamedSql;
import dev.backfill.jdbc.internal.Query;
import dev.backfill.jdbc.internal.RowReader;
import dev.backfill.spi.Redaction;
import dev.backfill.spi.Availability;
import dev.backfill.spi.Estimate;
import dev.backfill.spi.RecordSink;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SourceNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads each slice with one SQL query whose named parameters ({@code :start_date}, {@code :end_ts},
 * {@code :region}, your own tokens) are bound from the slice's tokens. Results stream: the query runs
 * with a fetch size on its own connection (with auto-commit off on PostgreSQL, which only uses a cursor
 * then), so a slice of millions of rows never sits in memory.
 *
 * <pre>{@code
 * JdbcSource<Row> source = JdbcSource.query(ds, """
 *         SELECT CAST(:start_date AS date) AS day, customer_id, sum(amount) AS revenue
 *         FROM events WHERE ts >= :start_ts AND ts < :end_ts
 *         GROUP BY customer_id""")
 *     .availabilityQuery("SELECT count(*) FROM events WHERE ts >= :start_ts AND ts < :end_ts")
 *     .estimateQuery("SELECT count(*) FROM events WHERE ts >= :start_ts AND ts < :end_ts");
 * }</pre>
 *
 * <p>A parameter that no slice defines is an {@link dev.backfill.UnknownTokenException} when the
 * backfill is built or planned, before any query runs. Parameters inside string literals, quoted names
 * and comments are ignored, and so are PostgreSQL casts ({@code ::date}); a positional {@code ?} is
 * refused. Values are always bound, never spliced into the SQL. Rows become {@link Row}s named by the
 * result's column labels, with {@code DATE}, {@code TIMESTAMP} and zoned timestamps as
 * {@code java.time} values; or pass a {@link RowMapper}.
 *
 * <p>Immutable and thread-safe; the {@code with}-style methods return changed copies.
 *
 * @param <T> record type
 */
public final class JdbcSource<T> implements SourceNode<T> {
  private static final Logger log = LoggerFactory.getLogger(JdbcSource.class);
  private static final int DEFAULT_FETCH_SIZE = 1000;

  private final DataSource dataSource;
  private final Query query;
  private final @Nullable RowMapper<T> mapper;
  private final @Nullable Query availability;
  private final @Nullable Query estimate;
  private final int fetchSize;
  private final @Nullable Dialect explicitDialect;
  private final DialectHolder dialect;

  private JdbcSource(DataSource dataSource, Query query, @Nullable RowMapper<T> mapper, @Nullable Query availability,
      @Nullable Query estimate, int fetchSize, @Nullable Dialect explicitDialect) {
    this.dataSource = dataSource;
    this.query = query;
    this.mapper = mapper;
    this.availability = availability;
    this.estimate = estimate;
    this.fetchSize = fetchSize;
    this.explicitDialect = explicitDialect;
    this.dialect = new DialectHolder(dataSource, explicitDialect);
  }

  /**
   * A source reading each slice as {@link Row}s.
   *
   * @param dataSource where the query runs
   * @param sql a SELECT with {@code :token} parameters
   * @return the source
   * @throws InvalidConfigurationException for an empty query or a positional {@code ?}
   */
  public static JdbcSource<Row> query(DataSource dataSource, String sql) {
    requireNonNull(dataSource, "dataSource");
    return new JdbcSource<>(dataSource, new Query(sql, "query of JdbcSource"), null, null, null, DEFAULT_FETCH_SIZE,
        null);
  }

  /**
   * A source reading each slice with a row mapper.
   *
   * @param dataSource where the query runs
   * @param sql a SELECT with {@code :token} parameters
   * @param mapper maps each row
   * @param <T> record type
   * @return the source
   * @throws InvalidConfigurationException for an empty query or a positional {@code ?}
   */
  public static <T> JdbcSource<T> query(DataSource dataSource, String sql, RowMapper<T> mapper) {
    requireNonNull(dataSource, "dataSource");
    requireNonNull(mapper, "mapper");
    return new JdbcSource<>(dataSource, new Query(sql, "query of JdbcSource"), mapper, null, null, DEFAULT_FETCH_SIZE,
        null);
  }

  /**
   * Adds an availability probe run per planned partition with the partition's tokens: a first column
   * that is a number above zero or {@code true} means the upstream data exists; zero, {@code false},
   * {@code NULL} or no row means it was purged, and the planner stops with a message (or skips, as
   * {@code PlanOptions} say). Only the partitioning's built-in tokens are available here.
   *
   * @param sql e.g. {@code SELECT count(*) FROM events WHERE day = :start_date}
   * @return the changed source
   */
  public JdbcSource<T> availabilityQuery(String sql) {
    return new JdbcSource<>(dataSource, query, mapper, new Query(sql, "availability query of JdbcSource"), estimate,
        fetchSize, explicitDialect);
  }

  /**
   * Adds a row estimate run per planned partition for the plan's cost projection: the first column of
   * the first row is the estimated number of rows.
   *
   * @param sql e.g. {@code SELECT count(*) FROM events WHERE day = :start_date}
   * @return the changed source
   */
  public JdbcSource<T> estimateQuery(String sql) {
    return new JdbcSource<>(dataSource, query, mapper, availability, new Query(sql, "estimate query of JdbcSource"),
        fetchSize, explicitDialect);
  }

  /**
   * Sets how many rows each round trip fetches (default 1,000).
   *
   * @param rows rows per fetch, 1 or more
   * @return the changed source
   */
  public JdbcSource<T> fetchSize(int rows) {
    if (rows < 1) {
      throw new InvalidConfigurationException("fetchSize " + rows + " is not allowed; expected 1 or more rows per fetch");
    }
    return new JdbcSource<>(dataSource, query, mapper, availability, estimate, rows, explicitDialect);
  }

  /**
   * Sets the dialect instead of detecting it from the connection.
   *
   * @param d the dialect
   * @return the changed source
   */
  public JdbcSource<T> dialect(SqlDialect d) {
    return new JdbcSource<>(dataSource, query, mapper, availability, estimate, fetchSize,
        requireNonNull(d, "dialect").engine());
  }

  @Override
  public void validate(Set<String> tokens) {
    query.validate(tokens);
    if (availability != null) {
      availability.validate(tokens);
    }
    if (estimate != null) {
      estimate.validate(tokens);
    }
  }

  /**
   * Describes the query's columns for a sample slice without reading a row ({@code WHERE 1 = 0}), so
   * that planning checks them against the destination's table. Unknown with a custom row mapper.
   *
   * @param sample a slice of the planned range, with its tokens
   * @return column label to {@code java.sql.Types}, in order
   * @throws SQLException when the query cannot be described
   */
  @Override
  public Optional<Map<String, Integer>> columns(Slice sample) throws SQLException {
    if (mapper != null) {
      return Optional.empty();
    }
    Dialect d = dialect.get();
    NamedSql sql = query.forDialect(d);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT * FROM (" + sql.jdbc() + ") " + d.quote("bf_q")
            + " WHERE 1 = 0")) {
      sql.bind(ps, 0, d, sample.tokens());
      try (ResultSet rs = ps.executeQuery()) {
        ResultSetMetaData md = rs.getMetaData();
        Map<String, Integer> columns = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          columns.put(d.columnLabel(md.getColumnLabel(i)), md.getColumnType(i));
        }
        return Optional.of(columns);
      }
    }
  }

  @Override
  @SuppressWarnings("unchecked")
  public void read(Slice slice, SliceContext context, RecordSink<? super T> sink) throws SQLException {
    Dialect d = dialect.get();
    NamedSql sql = query.forDialect(d);
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      d.beginStreaming(c);
      try (PreparedStatement ps = c.prepareStatement(sql.jdbc(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
        d.streamResults(ps, fetchSize);
        sql.bind(ps, 0, d, slice.tokens());
        context.onCancel(() -> cancel(ps));
        context.throwIfCancelled();
        long rows = 0;
        try (ResultSet rs = ps.executeQuery()) {
          try {
            if (mapper == null) {
              RowReader reader = new RowReader(rs.getMetaData(), d, query.where());
              while (rs.next()) {
                sink.accept((T) reader.read(rs));
                rows++;
              }
            } else {
              while (rs.next()) {
                sink.accept(mapper.map(rs));
                rows++;
              }
            }
          } catch (SQLException | RuntimeException | Error e) {
            d.abandonStream(ps);
            throw e;
          }
        }
        log.debug("slice {}: read {} rows", slice.key(), rows);
      } finally {
        restore(c, autoCommit);
      }
    }
  }

  private static void cancel(PreparedStatement ps) {
    try {
      ps.cancel();
    } catch (SQLException e) {
      log.debug("cancelling a source query failed: {}", Redaction.describe(e));
    }
  }

  private static void restore(Connection c, boolean autoCommit) {
    try {
      if (!c.getAutoCommit()) {
        c.rollback();
      }
      if (autoCommit) {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      log.debug("resetting a source connection failed: {}", Redaction.describe(e));
    }
  }

  @Override
  public Availability availability(Partition partition) throws SQLException {
    if (availability == null) {
      return Availability.AVAILABLE;
    }
    Object value = firstValue(availability, partition);
    boolean available = value instanceof Boolean b ? b : value instanceof Number n ? n.doubleValue() > 0 : false;
    return available ? Availability.AVAILABLE : Availability.missing("availability query returned "
        + (value == null ? "no value" : value) + " for partition " + partition.key());
  }

  @Override
  public Optional<Estimate> estimate(Partition partition) throws SQLException {
    if (estimate == null) {
      return Optional.empty();
    }
    Object value = firstValue(estimate, partition);
    return value instanceof Number n ? Optional.of(Estimate.rows(Math.max(0, n.longValue()))) : Optional.empty();
  }

  private @Nullable Object firstValue(Query q, Partition partition) throws SQLException {
    Dialect d = dialect.get();
    NamedSql sql = q.forDialect(d);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql.jdbc())) {
      sql.bind(ps, 0, d, partition.tokens());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getObject(1) : null;
      }
    }
  }

  @Override
  public String describe() {
    return "JdbcSource(" + query.abbreviated() + ")";
  }

  @Override
  public String toString() {
    return describe();
  }
}
