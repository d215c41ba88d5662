package dev.backfill.jdbc;

import static java.util.Objects.requireNonNull;

/**
 * The table a JDBC slice writer writes into: the destination table, or its shadow table during a
 * full rebuild. Writers hand it out as a resource ({@code resource(SliceTable.class)}); SQL checks
 * use it for {@code {table}} (see {@link JdbcChecks#sql}).
 *
 * @param name the table's name, e.g. {@code mart.daily_revenue_bf_shadow}
 * @param sql the quoted name to put into SQL, e.g. {@code "mart"."daily_revenue_bf_shadow"}
 */
public record SliceTable(String name, String sql) {
  /**
   * Creates the value.
   *
   * @param name unquoted name
   * @param sql quoted name
   */
  public SliceTable {
    requireNonNull(name, "name");
    requireNonNull(sql, "sql");
  }
}
