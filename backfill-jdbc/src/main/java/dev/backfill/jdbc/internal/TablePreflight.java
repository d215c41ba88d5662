package dev.backfill.jdbc.internal;

import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.spi.PreflightContext;
import dev.backfill.spi.PreflightFinding;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a destination table is checked for before any slice runs, each check adding findings: a
 * merge needs a unique key on exactly its key columns.
 */
final class TablePreflight {
  private final Connection connection;
  private final Dialect dialect;
  private final TableName table;
  private final PreflightContext context;
  private final List<PreflightFinding> findings = new ArrayList<>();

  private TablePreflight(Connection connection, Dialect dialect, TableName table, PreflightContext context) {
    this.connection = connection;
    this.dialect = dialect;
    this.table = table;
    this.context = context;
  }

  /** Runs every check on an existing table. */
  static List<PreflightFinding> check(Connection connection, Dialect dialect, TableName table, PreflightContext context)
      throws SQLException {
    TablePreflight preflight = new TablePreflight(connection, dialect, table, context);
    if (context.strategy() instanceof WriteStrategy.Merge merge) {
      preflight.uniqueKeyFor(merge);
    }
    return List.copyOf(preflight.findings);
  }

  /**
   * Without a unique key on exactly the merge keys an upsert cannot find the row of a key: MariaDB
   * appends duplicates, PostgreSQL fails every slice (42P10), H2 may insert a key twice when two
   * slices write it at once. Other unique keys also trigger MariaDB's update: a warning.
   */
  private void uniqueKeyFor(WriteStrategy.Merge merge) throws SQLException {
    Set<String> wanted = lower(merge.keys());
    List<List<String>> keys = dialect.uniqueKeys(connection, table.schema(), table.table());
    boolean found = keys.stream().anyMatch(k -> lower(k).equals(wanted));
    String keyList = "(" + String.join(", ", merge.keys()) + ")";
    if (!found) {
      findings.add(PreflightFinding.error(merge.describe() + " into " + table + " needs a primary key or unique"
          + " constraint on exactly " + keyList + ", but the table has " + (keys.isEmpty() ? "no unique key"
          : "only the unique keys " + describe(keys)) + "; without it the upsert cannot find the row of a key."
          + " Add one (e.g. ALTER TABLE " + table + " ADD UNIQUE " + keyList + ") or merge by the columns of an"
          + " existing unique key"));
      return;
    }
    if (dialect.anyUniqueKeyTriggersUpsert()) {
      List<List<String>> others = keys.stream().filter(k -> !lower(k).equals(wanted)).toList();
      if (!others.isEmpty()) {
        findings.add(PreflightFinding.warning(merge.describe() + " into " + table + ": " + dialect.name()
            + " also updates a row instead of inserting when a row clashes on the other unique keys "
            + describe(others) + ", even if its " + keyList + " differs"));
      }
    }
  }

  private static Set<String> lower(List<String> names) {
    return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toCollection(TreeSet::new));
  }

  private static String describe(List<List<String>> keys) {
    return keys.stream().map(k -> "(" + String.join(", ", k).toLowerCase(Locale.ROOT) + ")")
        .collect(Collectors.joining(", "));
  }
}
