package dev.backfill.jdbc.internal;

import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.spi.PreflightFinding;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks, before any slice runs, that the columns a source or pushdown query produces exist in the
 * table and have types a database converts: a mistyped column or a date into a number is refused
 * when planning instead of failing every slice.
 */
final class ColumnFit {
  private enum Family { NUMBER, TEXT, TIME, BOOLEAN, BINARY, OTHER }

  private ColumnFit() {}

  static List<PreflightFinding> check(Connection c, Dialect d, TableName table, Map<String, Integer> produced,
      String producer) throws SQLException {
    Map<String, Integer> columns = new LinkedHashMap<>();
    Map<String, String> typeNames = new LinkedHashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table.sql(d) + " WHERE 1 = 0")) {
      ResultSetMetaData md = rs.getMetaData();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        String name = md.getColumnName(i).toLowerCase(Locale.ROOT);
        columns.put(name, md.getColumnType(i));
        typeNames.put(name, md.getColumnTypeName(i));
      }
    }
    List<PreflightFinding> findings = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, Integer> p : produced.entrySet()) {
      String name = p.getKey().toLowerCase(Locale.ROOT);
      Integer target = columns.get(name);
      if (target == null) {
        unknown.add(p.getKey());
        continue;
      }
      Family from = family(p.getValue());
      Family to = family(target);
      if (incompatible(from, to)) {
        findings.add(PreflightFinding.error(producer + " produces column " + p.getKey() + " as " + jdbcName(p.getValue())
            + ", but " + table + "." + p.getKey() + " is " + typeNames.get(name) + " (a " + from.name().toLowerCase(Locale.ROOT)
            + " does not convert to a " + to.name().toLowerCase(Locale.ROOT) + "); cast it in the query"));
      } else if (from == Family.TEXT && to != Family.TEXT && to != Family.OTHER) {
        findings.add(PreflightFinding.warning(producer + " produces column " + p.getKey() + " as text for "
            + table + "." + p.getKey() + " of type " + typeNames.get(name) + "; every value must convert"));
      }
    }
    if (!unknown.isEmpty()) {
      findings.add(0, PreflightFinding.error(producer + " produces the column(s) " + String.join(", ", unknown)
          + " that table " + table + " does not have (its columns: " + String.join(", ", columns.keySet())
          + "); rename them in the query (AS ...) or add them to the table"));
    }
    return findings;
  }

  private static boolean incompatible(Family from, Family to) {
    return switch (from) {
      case TIME -> to == Family.NUMBER || to == Family.BOOLEAN || to == Family.BINARY;
      case NUMBER, BOOLEAN -> to == Family.TIME || to == Family.BINARY;
      case BINARY -> to == Family.NUMBER || to == Family.TIME || to == Family.BOOLEAN;
      default -> false;
    };
  }

  /** The JDBC name of a {@code java.sql.Types} code, as drivers report it ({@code DATE}, {@code BIGINT}). */
  private static String jdbcName(int type) {
    try {
      return java.sql.JDBCType.valueOf(type).getName();
    } catch (IllegalArgumentException e) {
      return "type " + type;
    }
  }

  private static Family family(int type) {
    return switch (type) {
      case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.REAL, Types.FLOAT, Types.DOUBLE,
          Types.NUMERIC, Types.DECIMAL -> Family.NUMBER;
      case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR, Types.CLOB,
          Types.NCLOB -> Family.TEXT;
      case Types.DATE, Types.TIME, Types.TIMESTAMP, Types.TIME_WITH_TIMEZONE, Types.TIMESTAMP_WITH_TIMEZONE -> Family.TIME;
      case Types.BIT, Types.BOOLEAN -> Family.BOOLEAN;
      case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> Family.BINARY;
      default -> Family.OTHER;
    };
  }
}
