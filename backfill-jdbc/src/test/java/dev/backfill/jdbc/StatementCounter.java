package dev.backfill.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Wraps a data source and counts what its connections send: statements executed, commits and
 * rollbacks, auto-commit switches that change it, and isolation reads and writes. The count of a
 * call is deterministic, unlike its time.
 */
final class StatementCounter {
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final java.util.List<String> prepared = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final DataSource dataSource;

  StatementCounter(DataSource target) {
    this.dataSource = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
        (proxy, m, args) -> {
          if (m.getName().equals("equals")) {
            return proxy == args[0];
          }
          if (m.getName().equals("hashCode")) {
            return System.identityHashCode(proxy);
          }
          Object r = invoke(target, m, args);
          return r instanceof Connection c ? connection(c) : r;
        });
  }

  DataSource dataSource() {
    return dataSource;
  }

  void reset() {
    counts.clear();
    prepared.clear();
  }

  /** The SQL of the statements prepared since the last reset, in order. */
  java.util.List<String> prepared() {
    return java.util.List.copyOf(prepared);
  }

  /** The counts since the last reset, by kind: {@code statement}, {@code commit}, {@code isolation}, ... */
  Map<String, Integer> counts() {
    Map<String, Integer> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  int count(String kind) {
    AtomicInteger n = counts.get(kind);
    return n == null ? 0 : n.get();
  }

  private void add(String kind) {
    counts.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
  }

  private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
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
        case "commit" -> add("commit");
        case "rollback" -> add("rollback");
        case "setAutoCommit" -> {
          if (c.getAutoCommit() != (Boolean) args[0]) {
            add("autocommit");
          }
        }
        case "setTransactionIsolation", "getTransactionIsolation" -> add("isolation");
        case "prepareStatement" -> prepared.add((String) args[0]);
        default -> { }
      }
      Object r = invoke(c, m, args);
      if (r instanceof Statement st) {
        return statement(st);
      }
      return r;
    };
    return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, h);
  }

  private Statement statement(Statement st) {
    Class<?> type = st instanceof java.sql.PreparedStatement ? java.sql.PreparedStatement.class : Statement.class;
    InvocationHandler h = (proxy, m, args) -> {
      if (m.getName().startsWith("execute")) {
        add("statement");
      }
      return invoke(st, m, args);
    };
    return (Statement) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, h);
  }
}
