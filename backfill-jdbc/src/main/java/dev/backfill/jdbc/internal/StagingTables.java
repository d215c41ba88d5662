package dev.backfill.jdbc.internal;

import dev.backfill.jdbc.dialect.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The staging tables that slices of one destination table fill and exchange with a partition
 * (MariaDB), kept for the run's next slices instead of created and dropped by each: a slice takes a
 * free one (emptied by {@code TRUNCATE}, which also proves it still exists) or creates one, and gives
 * it back after its exchange, so a run holds about one per slice running at once. Tables are named
 * {@code <table>_bfx_<8 hex digits>}; the run's begin and end drop every such table of the table
 * ({@link SliceClearing#dropLeftovers}), including those a killed process left, and forget the free ones.
 */
final class StagingTables {
  private static final Logger log = LoggerFactory.getLogger(StagingTables.class);
  static final String PREFIX = "_bfx_";
  static final int RANDOM_HEX = 8;

  private final TableName table;
  private final Deque<Free> free = new ArrayDeque<>();

  private record Free(String runId, TableName name) {}

  StagingTables(TableName table) {
    this.table = table;
  }

  /**
   * Returns an empty staging table for a slice of the run: a free one of the same run, truncated, or a
   * new one. DDL: each statement commits on its own, so call it before the slice writes anything.
   */
  TableName take(Connection c, Dialect d, String runId) throws SQLException {
    for (Free f = poll(); f != null; f = poll()) {
      if (f.runId().equals(runId)) {
        try (Statement st = c.createStatement()) {
          st.execute("TRUNCATE TABLE " + f.name().sql(d));
          return f.name();
        } catch (SQLException e) {
          // dropped meanwhile (another process began or ended a run of the table): make a new one
          log.debug("staging table {} cannot be reused: {}", f.name(), e.toString());
        }
      }
      // a table of another run may be shaped like the table as it was then
      dropQuietly(c, d, f.name());
    }
    TableName s = table.derived(PREFIX + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
    try (Statement st = c.createStatement()) {
      for (String ddl : d.createStagingSql(table.sql(d), s.sql(d))) {
        st.execute(ddl);
      }
    }
    return s;
  }

  /** Gives a staging table back for the run's next slice (it may hold rows; the next take empties it). */
  synchronized void give(String runId, TableName staging) {
    free.push(new Free(runId, staging));
  }

  /** Forgets the free tables: the caller is about to drop them. */
  synchronized void clear() {
    free.clear();
  }

  private synchronized @Nullable Free poll() {
    return free.poll();
  }

  private static void dropQuietly(Connection c, Dialect d, TableName name) {
    try (Statement st = c.createStatement()) {
      st.execute(d.dropTableIfExistsSql(name.sql(d)));
    } catch (SQLException e) {
      log.debug("dropping staging table {} failed (the run's end drops it): {}", name, e.toString());
    }
  }
}
