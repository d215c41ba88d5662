package dev.backfill.jdbc.internal;

import java.lang.reflect.Method;
import java.util.List;
import java.util.OptionalInt;
import javax.sql.DataSource;

/**
 * The maximum size of a connection pool, read from the common pools' own getters (HikariCP, Apache
 * DBCP 2, Tomcat JDBC, c3p0, Agroal's configuration is not reachable this way) without depending on any
 * of them; empty for a plain {@code DataSource} or an unknown pool.
 */
final class PoolSize {
  private static final List<String> GETTERS = List.of("getMaximumPoolSize", "getMaxTotal", "getMaxActive",
      "getMaxPoolSize");

  private PoolSize() {}

  static OptionalInt of(DataSource dataSource) {
    for (String getter : GETTERS) {
      try {
        Method m = dataSource.getClass().getMethod(getter);
        Object value = m.invoke(dataSource);
        if (value instanceof Integer n && n > 0) {
          return OptionalInt.of(n);
        }
      } catch (ReflectiveOperationException | RuntimeException e) {
        // not this pool's getter
      }
    }
    return OptionalInt.empty();
  }

  /** What a run at a concurrency needs: a transaction per slice, a streaming read per slice, the store, the lock. */
  static int needed(int concurrency) {
    return 2 * concurrency + 2;
  }
}
