package dev.backfill.jdbc.internal;

import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.spi.PreflightContext;
import dev.backfill.spi.PreflightFinding;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a destination table is checked for before any slice runs, each check adding findings: a
 * merge needs a unique key on exactly its key columns; static partition keys must stay distinct
 * under the collation of the columns that hold them.
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
    preflight.staticKeysStayDistinct();
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

  /**
   * Static keys that the column holding them compares as equal ({@code acme} and {@code ACME} under a
   * case-insensitive collation) would be one partition in the table: overwriting one deletes the
   * other's rows, merging one updates the other's. The database itself compares the keys, under the
   * column's own collation.
   */
  private void staticKeysStayDistinct() throws SQLException {
    Map<String, List<String>> staticKeys = context.partitioning().staticKeys();
    for (String column : keyedColumns(context.strategy())) {
      List<String> keys = staticKeys.get(column);
      if (keys == null || keys.size() < 2) {
        continue;
      }
      Optional<Dialect.TextComparison> comparison = dialect.textComparison(connection, table.schema(), table.table(),
          column);
      if (comparison.isEmpty()) {
        continue;
      }
      List<int[]> equal = equalPairs(comparison.get(), keys);
      if (!equal.isEmpty()) {
        String pairs = equal.stream().limit(5).map(p -> "'" + keys.get(p[0]) + "' and '" + keys.get(p[1]) + "'")
            .collect(Collectors.joining(", "));
        findings.add(PreflightFinding.error(context.strategy().describe() + " into " + table + ": keys " + pairs
            + " of dimension " + column + " are equal under the " + comparison.get().description() + " of column "
            + column + " of " + table + (equal.size() > 5 ? " (and " + (equal.size() - 5) + " more pairs)" : "")
            + ", so writing one partition would also replace the other's rows. Give the column "
            + dialect.exactTextHint() + ", or use keys that differ there"));
      }
    }
  }

  /** The strategy's columns that identify rows by a dimension's value. */
  private static List<String> keyedColumns(WriteStrategy strategy) {
    if (strategy instanceof WriteStrategy.OverwritePartition o) {
      return o.columns();
    }
    if (strategy instanceof WriteStrategy.Merge m) {
      List<String> columns = new ArrayList<>(m.keys());
      columns.addAll(m.deleteMissingWithin());
      return columns;
    }
    return List.of();
  }

  /** Asks the database which keys are equal under the comparison: one query, a self-join of the keys. */
  private List<int[]> equalPairs(Dialect.TextComparison comparison, List<String> keys) throws SQLException {
    StringJoiner rows = new StringJoiner(" UNION ALL ");
    for (int i = 0; i < keys.size(); i++) {
      rows.add("SELECT " + i + " AS n, " + comparison.parameter() + " AS k");
    }
    String sql = "WITH bf_keys (n, k) AS (" + rows + ") SELECT a.n, b.n FROM bf_keys a JOIN bf_keys b"
        + " ON a.n < b.n AND a.k = b.k ORDER BY a.n, b.n";
    List<int[]> pairs = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (int i = 0; i < keys.size(); i++) {
        ps.setString(i + 1, keys.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          pairs.add(new int[] {rs.getInt(1), rs.getInt(2)});
        }
      }
    }
    return pairs;
  }

  private static Set<String> lower(List<String> names) {
    return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toCollection(TreeSet::new));
  }

  private static String describe(List<List<String>> keys) {
    return keys.stream().map(k -> "(" + String.join(", ", k).toLowerCase(Locale.ROOT) + ")")
        .collect(Collectors.joining(", "));
  }
}
