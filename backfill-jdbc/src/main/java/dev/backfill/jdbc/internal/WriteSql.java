package dev.backfill.jdbc.internal;

import dev.backfill.InvalidConfigurationException;
import dev.backfill.Row;
import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.dialect.Dialect;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The insert or upsert a slice's writer sends for its columns and strategy, each column checked first. */
final class WriteSql {
  private WriteSql() {}

  /** Builds the insert or upsert for the slice's columns (validating each as an identifier). */
  static String of(Dialect dialect, String tableSql, TableName table, WriteStrategy strategy, List<String> cols,
      @Nullable String query) {
    for (String c : cols) {
      Dialect.checkIdentifier(c, "column name");
    }
    Upsert u = upsert(table, strategy, cols);
    if (u != null) {
      return query == null ? dialect.upsertSql(tableSql, cols, u.keys(), u.update(), u.newerBy())
          : dialect.upsertSelectSql(tableSql, cols, u.keys(), query, u.newerBy());
    }
    return query == null ? dialect.insertSql(tableSql, cols) : dialect.insertSelectSql(tableSql, cols, query);
  }

  /**
   * A merge's columns as the slice writes them: its keys, the columns it updates and its ordering column.
   *
   * @param keys key columns, spelt as written
   * @param update the other columns
   * @param newerBy the ordering column as written, or null
   */
  record Upsert(List<String> keys, List<String> update, @Nullable String newerBy) {}

  /** The merge's columns as written, checked against the slice's columns; null for any other strategy. */
  static @Nullable Upsert upsert(TableName table, WriteStrategy strategy, List<String> cols) {
    if (!(strategy instanceof WriteStrategy.Merge m)) {
      return null;
    }
    for (String key : m.keys()) {
      if (cols.stream().noneMatch(c -> c.equalsIgnoreCase(key))) {
        throw new InvalidConfigurationException(strategy.describe() + ": key column '" + key
            + "' is not among the columns written to " + table + " " + cols);
      }
    }
    List<String> keysAsWritten = m.keys().stream()
        .map(k -> cols.stream().filter(c -> c.equalsIgnoreCase(k)).findFirst().orElse(k)).toList();
    List<String> update = cols.stream()
        .filter(c -> keysAsWritten.stream().noneMatch(k -> k.toLowerCase(Locale.ROOT).equals(c.toLowerCase(Locale.ROOT))))
        .toList();
    String newerBy = m.newerBy() == null ? null : cols.stream().filter(c -> c.equalsIgnoreCase(m.newerBy())).findFirst()
        .orElseThrow(() -> new InvalidConfigurationException(strategy.describe() + ": ordering column '" + m.newerBy()
            + "' is not among the columns written to " + table + " " + cols + "; every row must carry it"));
    return new Upsert(keysAsWritten, update, newerBy);
  }

  /** The record as a row; anything else is a configuration error naming its class. */
  static Row asRow(Object record) {
    if (record instanceof Row row) {
      return row;
    }
    throw new InvalidConfigurationException("JdbcDestination writes dev.backfill.Row records, got "
        + record.getClass().getName() + "; map records to Row with Backfill.Builder.map(...)");
  }
}
