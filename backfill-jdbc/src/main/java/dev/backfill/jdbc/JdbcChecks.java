package dev.backfill.jdbc;

import static java.util.Objects.requireNonNull;

import dev.backfill.CheckContext;
import dev.backfill.CheckResult;
import dev.backfill.InvalidConfigurationException;
import dev.backfill.SliceCheck;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.jdbc.internal.NamedSql;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * SQL checks evaluated inside a JDBC slice's uncommitted transaction, so they see the slice's rows
 * as they would be after the commit, before anyone else does.
 *
 * <pre>{@code
 * .check(JdbcChecks.sql("SELECT count(*) FROM mart.daily_revenue WHERE day = :start_date", JdbcChecks.atLeast(1)))
 * .check(JdbcChecks.sql("SELECT count(*) FROM {table} WHERE revenue < 0", JdbcChecks.exactly(0)))
 * }</pre>
 *
 * <p>The query's first column of its first row must be a number (or {@code NULL}, which fails the
 * check). Named parameters are bound from the slice's tokens as in {@link JdbcSource}. {@code {table}}
 * stands for the table the slice is written to: the destination, or its shadow table during a full
 * rebuild. The check needs a writer with a connection, i.e. a {@link JdbcDestination} or
 * {@link JdbcPushdown}.
 */
public final class JdbcChecks {
  private static final String TABLE = "{table}";

  private JdbcChecks() {}

  /**
   * A check running a query in the slice's transaction and comparing its number with a bound.
   *
   * @param sql a query returning one number, with {@code :token} parameters and optionally {@code {table}}
   * @param expected the bound the number must satisfy
   * @return the check
   * @throws InvalidConfigurationException for an empty query or a positional {@code ?}
   */
  public static SliceCheck sql(String sql, Bound expected) {
    requireNonNull(expected, "expected");
    NamedSql parsed = NamedSql.parse(sql, "SQL check");
    String name = "sql(" + parsed.abbreviated() + ")";
    return new SliceCheck() {
      @Override
      public void validate(java.util.Set<String> tokens) {
        parsed.validate(tokens, name);
      }

      @Override
      public CheckResult evaluate(CheckContext ctx) throws Exception {
        return evaluateSql(sql, expected, name, ctx);
      }
    };
  }

  private static CheckResult evaluateSql(String sql, Bound expected, String name, CheckContext ctx) throws SQLException {
    Connection c = ctx.resource(Connection.class).orElseThrow(() -> new InvalidConfigurationException(name
        + " needs the slice's JDBC connection; use it with a JdbcDestination or a JdbcPushdown"));
    Dialect d = Dialect.of(c);
    NamedSql q = NamedSql.parse(withTable(sql, ctx, name), "SQL check", d.sqlSyntax());
    @Nullable Object value = query(c, d, q, ctx);
    if (value == null) {
      return SliceCheck.fail(name, "returned NULL, expected " + expected.describe());
    }
    BigDecimal number;
    try {
      number = value instanceof BigDecimal b ? b : new BigDecimal(value.toString());
    } catch (NumberFormatException e) {
      return SliceCheck.fail(name, "returned '" + value + "', not a number; expected " + expected.describe());
    }
    String figure = "returned " + number.stripTrailingZeros().toPlainString();
    return expected.test(number) ? SliceCheck.pass(name, figure + ", " + expected.describe())
        : SliceCheck.fail(name, figure + ", expected " + expected.describe());
  }

  private static String withTable(String sql, CheckContext ctx, String name) {
    if (!sql.contains(TABLE)) {
      return sql;
    }
    SliceTable table = ctx.resource(SliceTable.class).orElseThrow(() -> new InvalidConfigurationException(name
        + " refers to {table}, but the writer does not say which table it writes"));
    return sql.replace(TABLE, table.sql());
  }

  private static @Nullable Object query(Connection c, Dialect d, NamedSql q, CheckContext ctx) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(q.jdbc())) {
      q.bind(ps, 0, d, ctx.slice().tokens());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getObject(1) : null;
      }
    }
  }

  /**
   * Requires at least {@code n}.
   *
   * @param n lower bound, inclusive
   * @return the bound
   */
  public static Bound atLeast(long n) {
    return new Bound(BigDecimal.valueOf(n), null);
  }

  /**
   * Requires at most {@code n}.
   *
   * @param n upper bound, inclusive
   * @return the bound
   */
  public static Bound atMost(long n) {
    return new Bound(null, BigDecimal.valueOf(n));
  }

  /**
   * Requires exactly {@code n}.
   *
   * @param n the value
   * @return the bound
   */
  public static Bound exactly(long n) {
    return new Bound(BigDecimal.valueOf(n), BigDecimal.valueOf(n));
  }

  /**
   * Requires a value within {@code [min, max]}.
   *
   * @param min lower bound, inclusive
   * @param max upper bound, inclusive
   * @return the bound
   */
  public static Bound between(long min, long max) {
    return new Bound(BigDecimal.valueOf(min), BigDecimal.valueOf(max));
  }

  /**
   * An inclusive range a check's number must fall in; an absent end is unbounded.
   *
   * @param min lower bound, or null
   * @param max upper bound, or null
   */
  public record Bound(@Nullable BigDecimal min, @Nullable BigDecimal max) {
    /**
     * Validates the bound.
     *
     * @param min lower bound, or null
     * @param max upper bound, or null
     */
    public Bound {
      if (min == null && max == null) {
        throw new InvalidConfigurationException("a check bound needs a minimum, a maximum or both");
      }
      if (min != null && max != null && min.compareTo(max) > 0) {
        throw new InvalidConfigurationException("check bound minimum " + min + " is above its maximum " + max);
      }
    }

    /**
     * Tells whether a number satisfies the bound.
     *
     * @param value the number
     * @return true when within
     */
    public boolean test(BigDecimal value) {
      return (min == null || value.compareTo(min) >= 0) && (max == null || value.compareTo(max) <= 0);
    }

    /**
     * Describes the bound.
     *
     * @return e.g. {@code >= 1}, {@code = 0}, {@code within [1, 5]}
     */
    public String describe() {
      if (min != null && max != null) {
        return min.compareTo(max) == 0 ? "= " + min.toPlainString()
            : "within [" + min.toPlainString() + ", " + max.toPlainString() + "]";
      }
      return min != null ? ">= " + min.toPlainString() : "<= " + max.toPlainString();
    }
  }
}
