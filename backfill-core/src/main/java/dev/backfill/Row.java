package dev.backfill;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A generic record: named columns in a fixed order with nullable values, as read by a query or
 * written to a table.
 *
 * <p>Rows of one result share their column header, so a million rows cost one header and a million
 * value arrays. Rows are immutable.
 *
 * <pre>{@code
 * Row row = Row.of("day", LocalDate.parse("2024-03-01"), "customer_id", 42L, "revenue", new BigDecimal("9.90"));
 * row.get("customer_id");   // 42L
 * }</pre>
 */
public final class Row {
  private final Header header;
  private final @Nullable Object[] values;

  private Row(Header header, @Nullable Object[] values) {
    this.header = header;
    this.values = values;
  }

  /**
   * Creates a row from alternating column names and values.
   *
   * @param columnsAndValues name, value, name, value, ...
   * @return the row
   * @throws IllegalArgumentException for an odd number of arguments, a non-text name or a repeated column
   */
  public static Row of(@Nullable Object... columnsAndValues) {
    if (columnsAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("Row.of expects name/value pairs, got " + columnsAndValues.length + " arguments");
    }
    String[] names = new String[columnsAndValues.length / 2];
    Object[] values = new Object[names.length];
    for (int i = 0; i < names.length; i++) {
      if (!(columnsAndValues[2 * i] instanceof String name)) {
        throw new IllegalArgumentException("column name #" + (i + 1) + " must be text, got " + columnsAndValues[2 * i]);
      }
      names[i] = name;
      values[i] = columnsAndValues[2 * i + 1];
    }
    return new Row(Header.of(List.of(names)), values);
  }

  /**
   * Creates a row from a map, in the map's iteration order.
   *
   * @param values values by column
   * @return the row
   */
  public static Row of(Map<String, ?> values) {
    return new Row(Header.of(List.copyOf(values.keySet())), values.values().toArray());
  }

  /**
   * Returns a factory for rows that share a column header, for adapters that read many rows.
   *
   * @param columns column names in order
   * @return a header to create rows with
   */
  public static Header header(List<String> columns) {
    return Header.of(columns);
  }

  /**
   * Returns the value of a column.
   *
   * @param column column name
   * @return the value, possibly null
   * @throws IllegalArgumentException if the row has no such column
   */
  public @Nullable Object get(String column) {
    return values[header.indexOf(column)];
  }

  /**
   * Returns the value at a position.
   *
   * @param index zero-based column position
   * @return the value, possibly null
   */
  public @Nullable Object get(int index) {
    return values[index];
  }

  /**
   * Tells whether the row has a column.
   *
   * @param column column name
   * @return true when present
   */
  public boolean has(String column) {
    return header.positions.containsKey(column);
  }

  /**
   * Returns the column names in order.
   *
   * @return column names
   */
  public List<String> columns() {
    return header.columns;
  }

  /**
   * Returns the number of columns.
   *
   * @return column count
   */
  public int size() {
    return values.length;
  }

  /**
   * Returns the values by column, in column order.
   *
   * @return an unmodifiable map (null values allowed)
   */
  public Map<String, @Nullable Object> asMap() {
    Map<String, @Nullable Object> map = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      map.put(header.columns.get(i), values[i]);
    }
    return Collections.unmodifiableMap(map);
  }

  /**
   * Returns a copy with one column set (added at the end when new).
   *
   * @param column column name
   * @param value new value
   * @return the changed row
   */
  public Row with(String column, @Nullable Object value) {
    Map<String, @Nullable Object> map = new LinkedHashMap<>(asMap());
    map.put(column, value);
    return Row.of(map);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Row r && r.header.columns.equals(header.columns) && Arrays.equals(r.values, values);
  }

  @Override
  public int hashCode() {
    return header.columns.hashCode() * 31 + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return asMap().toString();
  }

  /** Column names shared by the rows of one result. */
  public static final class Header {
    private final List<String> columns;
    private final Map<String, Integer> positions;

    private Header(List<String> columns) {
      this.columns = List.copyOf(columns);
      this.positions = new HashMap<>();
      for (int i = 0; i < this.columns.size(); i++) {
        if (positions.put(this.columns.get(i), i) != null) {
          throw new IllegalArgumentException("column '" + this.columns.get(i) + "' appears twice in " + columns);
        }
      }
    }

    static Header of(List<String> columns) {
      return new Header(columns);
    }

    /**
     * Creates a row with this header; the array is used as is, do not change it afterwards.
     *
     * @param values one value per column, in column order
     * @return the row
     * @throws IllegalArgumentException if the number of values differs from the number of columns
     */
    public Row row(@Nullable Object... values) {
      if (values.length != columns.size()) {
        throw new IllegalArgumentException("expected " + columns.size() + " values for " + columns + ", got " + values.length);
      }
      return new Row(this, values);
    }

    /**
     * Returns the column names.
     *
     * @return column names in order
     */
    public List<String> columns() {
      return columns;
    }

    int indexOf(String column) {
      Integer i = positions.get(column);
      if (i == null) {
        throw new IllegalArgumentException("no column '" + column + "'; columns are " + columns);
      }
      return i;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Header h && h.columns.equals(columns);
    }

    @Override
    public int hashCode() {
      return Objects.hash(columns);
    }
  }
}
