package dev.backfill.jdbc.dialect;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How a table is natively partitioned, as its engine's catalog tells: the method, the one column it
 * is partitioned by (null when the key is an expression or several columns), its partitions with
 * their bounds, and what keeps the engine from replacing a partition as a whole (sub-partitions, a
 * missing privilege), in words.
 *
 * @param method {@code range}, {@code list}, {@code hash} or the engine's own word, lower case
 * @param column the partition key's only column as stored, or null for an expression or several columns
 * @param parts the partitions, in bound order
 * @param obstacles why no partition of this table can be replaced as a whole; empty when nothing stands in the way
 */
public record TablePartitions(String method, @Nullable String column, List<Part> parts, List<String> obstacles) {

  /**
   * Creates the value.
   *
   * @param method partitioning method
   * @param column key column, or null
   * @param parts partitions
   * @param obstacles reasons against replacing partitions
   */
  public TablePartitions {
    requireNonNull(method, "method");
    parts = List.copyOf(parts);
    obstacles = List.copyOf(obstacles);
  }

  /**
   * One partition and the values it holds: for a range partition the half-open bounds
   * {@code [from, to)} as literals (null for an open end), for a list partition its values; a default
   * partition holds whatever no other partition does.
   *
   * @param name the partition's name, for messages
   * @param sql how statements name it: the child table on PostgreSQL, the partition name on MariaDB (quoted)
   * @param from lower bound literal (inclusive), or null when unbounded or not a range
   * @param to upper bound literal (exclusive), or null when unbounded or not a range
   * @param values the listed values of a list partition, empty otherwise
   * @param isDefault true for a default partition
   */
  public record Part(String name, String sql, @Nullable String from, @Nullable String to, List<String> values,
      boolean isDefault) {
    /**
     * Creates the value.
     *
     * @param name name
     * @param sql name in statements
     * @param from lower bound
     * @param to upper bound
     * @param values list values
     * @param isDefault default partition
     */
    public Part {
      requireNonNull(name, "name");
      requireNonNull(sql, "sql");
      values = List.copyOf(values);
    }

    /**
     * Describes the partition's bounds for messages.
     *
     * @return e.g. {@code p2024_01 [2024-01-01, 2024-02-01)}
     */
    public String describe() {
      if (isDefault) {
        return name + " (DEFAULT)";
      }
      if (!values.isEmpty()) {
        return name + " IN " + values;
      }
      return name + " [" + (from == null ? "MINVALUE" : from) + ", " + (to == null ? "MAXVALUE" : to) + ")";
    }
  }

  /**
   * How an engine replaces a whole partition's rows.
   */
  public enum Replacement {
    /** The engine has no native partitions (or they are not used): overwrite deletes row by row. */
    NONE,
    /** {@code TRUNCATE} of the partitions in the slice's transaction, then the insert (PostgreSQL). */
    TRUNCATE,
    /** A staging table filled in the slice, then {@code ALTER TABLE ... EXCHANGE PARTITION} (MariaDB). */
    EXCHANGE
  }

  /**
   * Splits a list of SQL literals as catalogs print partition bounds ({@code '2024-01-01', 'eu'},
   * {@code MINVALUE}, {@code 42}) into their values, quotes removed and doubled quotes undone; the
   * words {@code MINVALUE}, {@code MAXVALUE} and {@code NULL} become null.
   *
   * @param text the literals, comma separated
   * @return the values
   */
  public static List<@Nullable String> literals(String text) {
    List<@Nullable String> out = new java.util.ArrayList<>();
    int i = 0;
    int n = text.length();
    while (i < n) {
      char ch = text.charAt(i);
      if (ch == ',' || Character.isWhitespace(ch)) {
        i++;
      } else if (ch == '\'') {
        StringBuilder b = new StringBuilder();
        i++;
        while (i < n) {
          char c = text.charAt(i);
          if (c == '\'' && i + 1 < n && text.charAt(i + 1) == '\'') {
            b.append('\'');
            i += 2;
          } else if (c == '\'') {
            i++;
            break;
          } else {
            b.append(c);
            i++;
          }
        }
        // a cast such as '2024-01-01'::date follows the literal on some versions
        while (i < n && text.charAt(i) != ',') {
          i++;
        }
        out.add(b.toString());
      } else {
        int end = i;
        while (end < n && text.charAt(end) != ',') {
          end++;
        }
        String word = text.substring(i, end).trim();
        String upper = word.toUpperCase(java.util.Locale.ROOT);
        out.add(upper.equals("MINVALUE") || upper.equals("MAXVALUE") || upper.equals("NULL") ? null : word);
        i = end;
      }
    }
    return out;
  }
}
