package dev.backfill.testkit;

import dev.backfill.Row;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.opentest4j.AssertionFailedError;

/**
 * Fluent assertions on rows, as readers of a destination see them; start with
 * {@link BackfillAssertions#assertThatDestination} or {@link BackfillAssertions#assertThatRows}.
 * Values compare as a database compares them ({@code 1 == 1L}, dates whether held as
 * {@code LocalDate}, {@code java.sql.Date} or text); row order never matters.
 */
public final class RowsAssert {
  private final List<Row> rows;

  RowsAssert(Collection<Row> rows) {
    this.rows = List.copyOf(rows);
  }

  /**
   * Asserts the number of rows.
   *
   * @param n expected rows
   * @return this
   */
  public RowsAssert hasSize(int n) {
    if (rows.size() != n) {
      fail("expected " + n + " rows but found " + rows.size(), n, rows.size());
    }
    return this;
  }

  /**
   * Asserts there are no rows.
   *
   * @return this
   */
  public RowsAssert isEmpty() {
    return hasSize(0);
  }

  /**
   * Asserts the rows are exactly these, in any order, duplicates counted.
   *
   * @param expected expected rows
   * @return this
   */
  public RowsAssert containsExactlyInAnyOrder(Row... expected) {
    return isEqualToIgnoringOrder(Arrays.asList(expected));
  }

  /**
   * Asserts the rows equal other rows, in any order, duplicates counted (for "re-running is
   * idempotent": compare the content after the second run with the content after the first).
   *
   * @param expected expected rows
   * @return this
   */
  public RowsAssert isEqualToIgnoringOrder(Collection<Row> expected) {
    Map<String, Integer> want = bag(expected);
    Map<String, Integer> have = bag(rows);
    if (!want.equals(have)) {
      Map<String, Integer> missing = difference(want, have);
      Map<String, Integer> unexpected = difference(have, want);
      fail("rows differ: missing " + describe(missing) + ", unexpected " + describe(unexpected), sorted(want), sorted(have));
    }
    return this;
  }

  /**
   * Asserts how many rows have a value in a column.
   *
   * @param column column name
   * @param value the value
   * @param n expected rows
   * @return this
   */
  public RowsAssert hasRowsWhere(String column, @Nullable Object value, int n) {
    long actual = rows.stream().filter(r -> same(r, column, value)).count();
    if (actual != n) {
      fail("expected " + n + " row(s) with " + column + " = " + value + " but found " + actual, n, actual);
    }
    return this;
  }

  /**
   * Asserts no row has a value in a column.
   *
   * @param column column name
   * @param value the value
   * @return this
   */
  public RowsAssert hasNoRowsWhere(String column, @Nullable Object value) {
    return hasRowsWhere(column, value, 0);
  }

  /**
   * Asserts no two rows share a key (what overwrite and merge must guarantee on re-runs).
   *
   * @param columns key columns
   * @return this
   */
  public RowsAssert hasUniqueKey(String... columns) {
    Map<List<@Nullable Object>, Integer> seen = new HashMap<>();
    for (Row r : rows) {
      seen.merge(Values.key(r, List.of(columns)), 1, Integer::sum);
    }
    List<String> duplicates = new ArrayList<>();
    seen.forEach((k, n) -> {
      if (n > 1) {
        duplicates.add(k + " x" + n);
      }
    });
    if (!duplicates.isEmpty()) {
      fail("expected " + List.of(columns) + " to be unique but found duplicates " + duplicates.stream().sorted().limit(10).toList(),
          "no duplicates", duplicates.size() + " duplicated keys");
    }
    return this;
  }

  /**
   * Returns the rows under test.
   *
   * @return the rows
   */
  public List<Row> rows() {
    return rows;
  }

  private static boolean same(Row r, String column, @Nullable Object value) {
    if (!r.has(column)) {
      return value == null;
    }
    Object a = Values.normal(r.get(column));
    Object b = Values.normal(value);
    return a == null ? b == null : b != null && (a.equals(b) || a.toString().equals(b.toString()));
  }

  /** A row as comparable text: columns sorted, values normalised. */
  private static String canonical(Row r) {
    Map<String, String> m = new TreeMap<>();
    for (String c : r.columns()) {
      m.put(c, String.valueOf(Values.normal(r.get(c))));
    }
    return m.toString();
  }

  private static Map<String, Integer> bag(Collection<Row> rows) {
    Map<String, Integer> bag = new LinkedHashMap<>();
    for (Row r : rows) {
      bag.merge(canonical(r), 1, Integer::sum);
    }
    return bag;
  }

  private static Map<String, Integer> difference(Map<String, Integer> a, Map<String, Integer> b) {
    Map<String, Integer> d = new TreeMap<>();
    a.forEach((k, n) -> {
      int left = n - b.getOrDefault(k, 0);
      if (left > 0) {
        d.put(k, left);
      }
    });
    return d;
  }

  private static String describe(Map<String, Integer> bag) {
    if (bag.isEmpty()) {
      return "none";
    }
    int total = bag.values().stream().mapToInt(Integer::intValue).sum();
    List<String> shown = bag.entrySet().stream().limit(5)
        .map(e -> e.getValue() == 1 ? e.getKey() : e.getKey() + " x" + e.getValue()).toList();
    return total + " " + shown + (bag.size() > 5 ? " ..." : "");
  }

  private static String sorted(Map<String, Integer> bag) {
    StringBuilder s = new StringBuilder();
    new TreeMap<>(bag).forEach((k, n) -> {
      for (int i = 0; i < n; i++) {
        s.append(k).append('\n');
      }
    });
    return s.toString();
  }

  private void fail(String message, Object expected, Object actual) {
    throw new AssertionFailedError(message, expected, actual);
  }
}
