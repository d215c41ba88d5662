package dev.backfill.bench.coord;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * A {@code DataSource} that counts the JDBC calls that reach the server: statements (by their first
 * word), commits, rollbacks, auto-commit switches (only those that change it) and isolation reads and
 * writes. On PostgreSQL the first statement of a transaction carries its BEGIN, and a commit of a
 * transaction that sent nothing sends nothing (not counted); on MariaDB every
 * auto-commit switch and isolation read or write is a round trip of its own (Connector/J without
 * {@code useLocalSessionState}).
 */
final class CountingDataSource {
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  private CountingDataSource() {}

  /**
   * Wraps a data source.
   *
   * @param target the real one
   * @return the counting one, and its counter
   */
  static Counted wrap(DataSource target) {
    CountingDataSource counter = new CountingDataSource();
    DataSource ds = (DataSource) Proxy.newProxyInstance(CountingDataSource.class.getClassLoader(),
        new Class<?>[] {DataSource.class}, counter.handler(target, (m, a, r) -> {
          if (m.getName().equals("getConnection")) {
            return counter.connection((Connection) r);
          }
          return r;
        }));
    return new Counted(ds, counter);
  }

  /** A wrapped data source and its counts. */
  record Counted(DataSource dataSource, CountingDataSource counter) {}

  /** The counts so far, by kind. */
  Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  void reset() {
    counts.clear();
  }

  private void count(String kind) {
    counts.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  private interface After {
    Object apply(Method m, Object[] args, Object result) throws Exception;
  }

  private InvocationHandler handler(Object target, After after) {
    return (proxy, m, args) -> {
      if (m.getName().equals("equals") && args != null && args.length == 1) {
        return proxy == args[0];
      }
      if (m.getName().equals("hashCode") && (args == null || args.length == 0)) {
        return System.identityHashCode(proxy);
      }
      try {
        return after.apply(m, args, m.invoke(target, args));
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
  }

  /** pgjdbc sends no COMMIT or ROLLBACK for a transaction that has sent nothing; other drivers are counted as asked. */
  private static boolean transactionStarted(Connection c) throws SQLException {
    return !c.isWrapperFor(org.postgresql.core.BaseConnection.class)
        || c.unwrap(org.postgresql.core.BaseConnection.class).getTransactionState()
            != org.postgresql.core.TransactionState.IDLE;
  }

  private Connection connection(Connection c) {
    InvocationHandler h = (proxy, m, args) -> {
      switch (m.getName()) {
        case "equals" -> {
          return proxy == args[0];
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        case "commit" -> {
          if (transactionStarted(c)) {
            count("commit");
          }
        }
        case "rollback" -> {
          if (transactionStarted(c)) {
            count("rollback");
          }
        }
        case "setAutoCommit" -> {
          if (c.getAutoCommit() != (Boolean) args[0]) {
            count("autocommit switch");
          }
        }
        case "setTransactionIsolation" -> count("isolation set");
        case "getTransactionIsolation" -> count("isolation read");
        default -> { }
      }
      Object r;
      try {
        r = m.invoke(c, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      if (r instanceof PreparedStatement ps && args != null && args.length > 0 && args[0] instanceof String sql) {
        return statement(ps, PreparedStatement.class, verb(sql));
      }
      if (r instanceof Statement st && !(r instanceof PreparedStatement)) {
        return statement(st, Statement.class, null);
      }
      return r;
    };
    return (Connection) Proxy.newProxyInstance(CountingDataSource.class.getClassLoader(), new Class<?>[] {Connection.class}, h);
  }

  private <S extends Statement> S statement(S st, Class<S> type, String preparedVerb) {
    InvocationHandler h = (proxy, m, args) -> {
      String name = m.getName();
      if (name.startsWith("execute")) {
        String verb = preparedVerb != null ? preparedVerb
            : args != null && args.length > 0 && args[0] instanceof String sql ? verb(sql) : "BATCH";
        count("statement " + verb);
      }
      try {
        return m.invoke(st, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return type.cast(Proxy.newProxyInstance(CountingDataSource.class.getClassLoader(), new Class<?>[] {type}, h));
  }

  private static final java.util.regex.Pattern TABLE = java.util.regex.Pattern.compile(
      "(?i)\\b(?:FROM|INTO|UPDATE)\\s+([\\w.\"`]+)");

  /** The statement's first word and the first table it names ({@code SELECT backfill_slices}). */
  private static String verb(String sql) {
    String s = sql.stripLeading();
    int end = 0;
    while (end < s.length() && Character.isLetter(s.charAt(end))) {
      end++;
    }
    java.util.regex.Matcher m = TABLE.matcher(s);
    return s.substring(0, end).toUpperCase(Locale.ROOT) + (m.find() ? " " + m.group(1).replace("\"", "") : "");
  }
}
