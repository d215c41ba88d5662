package dev.backfill.jdbc.internal;

import dev.backfill.Partition;
import dev.backfill.PartitionSequence;
import dev.backfill.Partitioning;
import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.spi.PreflightContext;
import dev.backfill.spi.PreflightFinding;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
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
 * under the collation of the columns that hold them; local hours that a zone repeats must not be
 * written apart into a column that cannot tell them apart.
 */
final class TablePreflight {
  private final Connection connection;
  private final Dialect dialect;
  private final TableName table;
  private final PreflightContext context;
  private final Set<String> instantColumns;
  private final List<PreflightFinding> findings = new ArrayList<>();

  private TablePreflight(Connection connection, Dialect dialect, TableName table, PreflightContext context,
      Set<String> instantColumns) {
    this.connection = connection;
    this.dialect = dialect;
    this.table = table;
    this.context = context;
    this.instantColumns = instantColumns;
  }

  /** Runs every check on an existing table; {@code instantColumns} are its columns that hold instants (lower case). */
  static List<PreflightFinding> check(Connection connection, Dialect dialect, TableName table, PreflightContext context,
      Set<String> instantColumns) throws SQLException {
    TablePreflight preflight = new TablePreflight(connection, dialect, table, context, instantColumns);
    if (context.strategy() instanceof WriteStrategy.Merge merge) {
      preflight.uniqueKeyFor(merge);
    }
    preflight.staticKeysStayDistinct();
    preflight.repeatedLocalHoursStayApart();
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

  /**
   * A plan of a single hourly partitioning keeps the two hours a zone repeats in autumn in one slice,
   * but a multi partitioning (hour × region) writes them one by one: into a column of local
   * date-times, which holds the same value for both, deleting one slice's rows would delete the
   * other's. Columns that hold instants select each slice's exact window and are safe.
   */
  private void repeatedLocalHoursStayApart() {
    Partitioning partitioning = context.partitioning();
    if (partitioning.dimensions().size() < 2 || partitioning.zone().isEmpty()) {
      return;
    }
    PartitionSequence partitions = partitioning.enumerate(context.range());
    Partition first = partitions.get(0);
    Partition last = partitions.get(partitions.size() - 1);
    for (String column : deletedBy(context.strategy())) {
      if (!(first.dimensions().get(column) instanceof LocalDateTime) || instantColumns.contains(column.toLowerCase(Locale.ROOT))) {
        continue;
      }
      ZoneRules rules = partitioning.zone().get().getRules();
      Instant end = last.window().orElseThrow().end();
      for (ZoneOffsetTransition t = rules.nextTransition(first.window().orElseThrow().start().minusSeconds(86_400));
          t != null && t.getInstant().isBefore(end); t = rules.nextTransition(t.getInstant())) {
        if (t.isOverlap()) {
          findings.add(PreflightFinding.error(context.strategy().describe() + " into " + table + ": column " + column
              + " holds local date-times, and " + partitioning.zone().get() + " repeats the local hours from "
              + t.getDateTimeAfter() + " to " + t.getDateTimeBefore() + " when its clocks go back; "
              + partitioning.describe() + " writes those hours in separate slices, and a slice of one would delete"
              + " the other's rows. Store the hour in a column that holds instants (" + dialect.instantColumnType()
              + ") and write start_ts into it, or partition hourly in UTC"));
          return;
        }
      }
    }
  }

  /** The strategy's columns whose values select the rows a slice deletes before writing. */
  private static List<String> deletedBy(WriteStrategy strategy) {
    return strategy instanceof WriteStrategy.OverwritePartition o ? o.columns()
        : strategy instanceof WriteStrategy.Merge m ? m.deleteMissingWithin()
        : List.of();
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
