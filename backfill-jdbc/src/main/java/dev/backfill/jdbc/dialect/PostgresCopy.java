package dev.backfill.jdbc.dialect;

import dev.backfill.Row;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * PostgreSQL's {@code COPY table (columns) FROM STDIN} in text format, one COPY per slice (kept open
 * across its batches), on the slice's connection and inside its transaction. Only values whose text form PostgreSQL reads back
 * exactly as the bound parameter would be are sent this way: text into character columns, whole
 * numbers into numeric columns, decimals into decimal and floating-point columns, floating-point
 * into floating-point columns, booleans, dates and local date-times (years 1 to 9999) into their
 * own types, and nulls. A batch holding anything else (an {@code OffsetDateTime}, a byte array, a
 * value into a column of another type) goes through batched {@code INSERT} instead.
 *
 * <p>Only this class refers to the PostgreSQL driver, so the dialect works without it on the class
 * path (for example behind another driver), using plain inserts.
 */
final class PostgresCopy implements BulkInsert {

  private final CopyManager copy;
  private final String sql;
  private final int[] types;
  private final StringBuilder buffer = new StringBuilder(1 << 16);
  private @Nullable CopyIn open;

  private PostgresCopy(CopyManager copy, String sql, int[] types) {
    this.copy = copy;
    this.sql = sql;
    this.types = types;
  }

  /**
   * Opens COPY for the columns of a table if the connection is the PostgreSQL driver's.
   *
   * @param c the slice's connection
   * @param dialect the dialect, for quoting
   * @param tableSql the quoted table
   * @param columns the columns written, in order (already validated)
   * @return the bulk insert, or null when the connection is not pgjdbc's
   * @throws SQLException if the table's columns cannot be read
   */
  static @Nullable BulkInsert open(Connection c, Dialect dialect, String tableSql, List<String> columns)
      throws SQLException {
    if (!c.isWrapperFor(PGConnection.class)) {
      return null;
    }
    String cols = dialect.quoteAll(columns);
    int[] types = new int[columns.size()];
    try (PreparedStatement ps = c.prepareStatement("SELECT " + cols + " FROM " + tableSql + " WHERE 1 = 0");
         ResultSet rs = ps.executeQuery()) {
      ResultSetMetaData md = rs.getMetaData();
      for (int i = 0; i < types.length; i++) {
        types[i] = md.getColumnType(i + 1);
      }
    }
    CopyManager manager = c.unwrap(PGConnection.class).getCopyAPI();
    return new PostgresCopy(manager, "COPY " + tableSql + " (" + cols + ") FROM STDIN", types);
  }

  @Override
  public boolean accepts(List<Row> rows) {
    for (Row row : rows) {
      if (row.size() != types.length) {
        return false;
      }
      for (int i = 0; i < types.length; i++) {
        if (!fits(row.get(i), types[i])) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean fits(@Nullable Object v, int type) {
    if (v == null) {
      return true;
    }
    if (v instanceof String) {
      return type == Types.VARCHAR || type == Types.CHAR || type == Types.LONGVARCHAR || type == Types.NVARCHAR
          || type == Types.NCHAR || type == Types.LONGNVARCHAR;
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte || v instanceof BigInteger) {
      return isInteger(type) || isDecimal(type) || isFloat(type);
    }
    if (v instanceof BigDecimal) {
      return isDecimal(type) || isFloat(type);
    }
    if (v instanceof Double || v instanceof Float) {
      return isFloat(type);
    }
    if (v instanceof Boolean) {
      return type == Types.BOOLEAN || type == Types.BIT;
    }
    if (v instanceof LocalDate d) {
      return type == Types.DATE && d.getYear() >= 1 && d.getYear() <= 9999;
    }
    if (v instanceof LocalDateTime t) {
      return type == Types.TIMESTAMP && t.getYear() >= 1 && t.getYear() <= 9999;
    }
    return false;
  }

  private static boolean isInteger(int type) {
    return type == Types.TINYINT || type == Types.SMALLINT || type == Types.INTEGER || type == Types.BIGINT;
  }

  private static boolean isDecimal(int type) {
    return type == Types.NUMERIC || type == Types.DECIMAL;
  }

  private static boolean isFloat(int type) {
    return type == Types.REAL || type == Types.FLOAT || type == Types.DOUBLE;
  }

  @Override
  public void write(List<Row> rows) throws SQLException {
    StringBuilder b = buffer;
    b.setLength(0);
    for (Row row : rows) {
      for (int i = 0; i < types.length; i++) {
        if (i > 0) {
          b.append('\t');
        }
        text(b, row.get(i));
      }
      b.append('\n');
    }
    byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
    CopyIn in = open;
    if (in == null) {
      in = copy.copyIn(sql);
      open = in;
    }
    in.writeToCopy(bytes, 0, bytes.length);
  }

  @Override
  public long finish() throws SQLException {
    CopyIn in = open;
    if (in == null) {
      return 0;
    }
    open = null;
    try {
      return in.endCopy();
    } finally {
      if (in.isActive()) {
        in.cancelCopy();
      }
    }
  }

  @Override
  public void cancel() {
    CopyIn in = open;
    open = null;
    if (in != null && in.isActive()) {
      try {
        in.cancelCopy();
      } catch (SQLException e) {
        // the connection is rolled back or closed next; nothing to keep
      }
    }
  }

  /** Appends a value in COPY's text format. */
  private static void text(StringBuilder b, @Nullable Object v) {
    if (v == null) {
      b.append("\\N");
    } else if (v instanceof String s) {
      for (int k = 0; k < s.length(); k++) {
        char ch = s.charAt(k);
        switch (ch) {
          case '\\' -> b.append("\\\\");
          case '\t' -> b.append("\\t");
          case '\n' -> b.append("\\n");
          case '\r' -> b.append("\\r");
          default -> b.append(ch);
        }
      }
    } else if (v instanceof BigDecimal d) {
      b.append(d.toPlainString());
    } else if (v instanceof Boolean bool) {
      b.append(bool ? 't' : 'f');
    } else {
      b.append(v); // whole numbers, floating point (NaN, Infinity as PostgreSQL spells them), ISO dates
    }
  }
}
