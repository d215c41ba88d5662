package dev.backfill.testkit;

import dev.backfill.Row;
import dev.backfill.Slice;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Compares column values the way a database compares them after coercing to the column type: numbers
 * by value ({@code 1 == 1L == 1.0}), dates whether held as {@link LocalDate}, {@code java.sql.Date} or
 * text. The in-memory destination and the contract tests use it so that a row built with an
 * {@code int} matches one read back as a {@code long}.
 */
final class Values {
  private Values() {}

  /** A value normalised for equality and hashing. */
  static @Nullable Object normal(@Nullable Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof BigDecimal d) {
      return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return BigDecimal.valueOf(((Number) v).longValue());
    }
    if (v instanceof BigInteger i) {
      return normal(new BigDecimal(i));
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      return Double.isFinite(d) ? normal(BigDecimal.valueOf(d)) : v;
    }
    if (v instanceof java.sql.Date d) {
      return d.toLocalDate();
    }
    if (v instanceof java.sql.Timestamp t) {
      return t.toLocalDateTime();
    }
    return v;
  }

  /** The key of a row over some columns, normalised. */
  static List<@Nullable Object> key(Row row, List<String> columns) {
    List<@Nullable Object> key = new ArrayList<>(columns.size());
    for (String c : columns) {
      key.add(normal(row.get(c)));
    }
    return key;
  }

  /** Converts a row's value to the type of a dimension value, as a database column would hold it. */
  static @Nullable Object asDimension(@Nullable Object value, Object dimensionValue) {
    Object v = normal(value);
    if (v instanceof String s) {
      try {
        if (dimensionValue instanceof LocalDate) {
          return LocalDate.parse(s.length() > 10 ? s.substring(0, 10) : s);
        }
        if (dimensionValue instanceof LocalDateTime) {
          return LocalDateTime.parse(s);
        }
      } catch (RuntimeException e) {
        return v;
      }
    }
    return v;
  }

  /**
   * Tells whether a row lies in the slice: for a time dimension whose row value is an instant, in the
   * slice's window {@code [start_ts, end_ts)} (the two hours repeated in autumn are two instants);
   * otherwise in the slice's span of the dimension's values.
   */
  static boolean inSlice(Row row, Slice slice, Collection<String> columns) {
    for (String c : columns) {
      Slice.Span span = slice.span(c);
      Object value = row.get(c);
      Instant instant = instant(value);
      boolean timeDimension = span.first() instanceof LocalDate || span.first() instanceof LocalDateTime;
      if (instant != null && timeDimension && slice.window().isPresent()) {
        if (!slice.window().get().contains(instant)) {
          return false;
        }
      } else if (!span.contains(asDimension(value, span.first()))) {
        return false;
      }
    }
    return true;
  }

  private static @Nullable Instant instant(@Nullable Object value) {
    if (value instanceof OffsetDateTime o) {
      return o.toInstant();
    }
    if (value instanceof ZonedDateTime z) {
      return z.toInstant();
    }
    return value instanceof Instant i ? i : null;
  }

  /**
   * Compares two values as a database compares a column with itself: numbers by value, dates whether
   * held as dates or text, others of one type by their natural order, mixed types by text.
   *
   * @return negative, zero or positive; null when either is null (unknown, as in SQL)
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static @Nullable Integer compare(@Nullable Object a, @Nullable Object b) {
    Object x = normal(a);
    Object y = b == null || x == null ? normal(b) : asDimension(b, x);
    if (x == null || y == null) {
      return null;
    }
    if (x.getClass() == y.getClass() && x instanceof Comparable cx) {
      return cx.compareTo(y);
    }
    return String.valueOf(x).compareTo(String.valueOf(y));
  }

  /** Orders rows by columns, nulls first, then by text for values of different types. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Comparator<Row> order(List<String> columns) {
    Comparator<Row> order = (a, b) -> 0;
    for (String c : columns) {
      order = order.thenComparing((Row a, Row b) -> {
        Object x = normal(a.get(c));
        Object y = normal(b.get(c));
        if (x == null || y == null) {
          return x == null ? (y == null ? 0 : -1) : 1;
        }
        if (x.getClass() == y.getClass() && x instanceof Comparable cx) {
          return cx.compareTo(y);
        }
        return String.valueOf(x).compareTo(String.valueOf(y));
      });
    }
    return order;
  }
}
