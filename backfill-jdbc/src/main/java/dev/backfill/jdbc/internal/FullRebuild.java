package dev.backfill.jdbc.internal;

import dev.backfill.InvalidConfigurationException;
import dev.backfill.Partitioning;
import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.spi.PreflightContext;
import dev.backfill.spi.PreflightFinding;
import dev.backfill.spi.ResourceProvider;
import dev.backfill.spi.RunCommit;
import dev.backfill.spi.RunContext;
import dev.backfill.spi.RunOutcome;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.zip.CRC32;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A full rebuild of one table. Each run fills a shadow table of its own ({@code <table>_bf_<hash of
 * the run id>}, created like the live table), so no other run can drop or fill it. The swap copies
 * the shadow's rows into the live table in ONE transaction ({@code DELETE} + {@code INSERT ... SELECT}
 * on every engine): the live table stays the same object, so its grants, triggers, comments, views,
 * sequences and defaults stay as they are, and readers in any isolation level see the old rows or the
 * new ones, never a part. The same transaction records the swap in {@code backfill_swaps} (in the
 * table's schema) and, when the state store shares the data source, the run's SUCCEEDED: the swap and
 * the run's status are one decision that a resume reads, and a resume of a swapped run swaps nothing.
 */
final class FullRebuild {
  private static final Logger log = LoggerFactory.getLogger(FullRebuild.class);

  private final DataSource dataSource;
  private final DialectHolder dialect;
  private final TableName table;

  FullRebuild(DataSource dataSource, DialectHolder dialect, TableName table) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.table = table;
  }

  /** The shadow of one run: a name of its own, so that runs never share or drop each other's. */
  TableName shadowOf(String runId) {
    CRC32 crc = new CRC32();
    crc.update(runId.getBytes(StandardCharsets.UTF_8));
    return table.derived("_bf_" + String.format("%08x", crc.getValue()));
  }

  private TableName swaps() {
    return new TableName(table.schema(), "backfill_swaps");
  }

  /** What blocks or changes the swap, found before any slice runs. */
  List<PreflightFinding> preflight(Connection c, Dialect d, PreflightContext context) throws SQLException {
    List<PreflightFinding> findings = new ArrayList<>();
    List<String> referencing = d.referencingTables(c, table.schema(), table.table());
    if (!referencing.isEmpty()) {
      findings.add(PreflightFinding.error("fullRebuild of " + table + " cannot swap: foreign keys of "
          + String.join(", ", referencing) + " reference it, and the swap deletes every row of the table in one"
          + " transaction; drop or defer those keys during the rebuild, or use overwritePartition or merge instead"));
    }
    List<String> triggers = d.triggers(c, table.schema(), table.table());
    if (!triggers.isEmpty()) {
      findings.add(PreflightFinding.warning("fullRebuild of " + table + ": the triggers " + String.join(", ", triggers)
          + " fire for every row the swap deletes and inserts"));
    }
    outsideTheRange(c, d, context).ifPresent(findings::add);
    return findings;
  }

  /** The rows outside the planned range that the swap will drop, when the table has the partition's column. */
  private Optional<PreflightFinding> outsideTheRange(Connection c, Dialect d, PreflightContext context)
      throws SQLException {
    Partitioning p = context.partitioning();
    if (p.dimensions().size() != 1 || !p.isTimeBased()) {
      return Optional.empty();
    }
    String column = p.dimensions().get(0);
    if (!hasColumn(c, d, column)) {
      return Optional.empty();
    }
    Object first = p.partition(context.range().start()).dimensions().get(column);
    Object last = p.partition(context.range().end()).dimensions().get(column);
    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table.sql(d) + " WHERE "
        + d.quote(column) + " < ? OR " + d.quote(column) + " > ?")) {
      d.bind(ps, 1, first);
      d.bind(ps, 2, last);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long outside = rs.getLong(1);
        return outside == 0 ? Optional.empty() : Optional.of(PreflightFinding.warning("fullRebuild of " + table
            + " replaces the whole table: the swap drops " + outside + " row(s) whose " + column + " lies outside "
            + context.range() + "; widen the range to keep them"));
      }
    }
  }

  private boolean hasColumn(Connection c, Dialect d, String column) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM " + table.sql(d) + " WHERE 1 = 0")) {
      ResultSetMetaData md = rs.getMetaData();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        if (md.getColumnName(i).equalsIgnoreCase(column)) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * Prepares a run: creates its shadow; on a resume keeps filling it, or, when the shadow is gone,
   * finds out whether the run swapped already (then nothing is left to do) or refuses.
   */
  void begin(RunContext run) throws SQLException {
    Dialect d = dialect.get();
    TableName shadow = shadowOf(run.runId());
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      if (!d.tableExists(c, table.schema(), table.table())) {
        throw new InvalidConfigurationException("fullRebuild of " + table + ": the table does not exist; create it"
            + " first, its shadow is created like it");
      }
      createSwapsTable(c, d);
      boolean exists = d.tableExists(c, shadow.schema(), shadow.table());
      if (run.resumed() && exists) {
        log.info("run {}: resuming the full rebuild of {} into its shadow {}", run.runId(), table, shadow);
        return;
      }
      if (run.resumed() && swapped(c, d, run.runId())) {
        log.info("run {}: its full rebuild of {} was swapped in already; nothing to rebuild", run.runId(), table);
        return;
      }
      if (run.resumed()) {
        throw new InvalidConfigurationException("run " + run.runId() + " cannot resume its full rebuild of " + table
            + ": its shadow table " + shadow + " is gone, and with it the rows of the slices that committed; it never"
            + " swapped. Start a new full rebuild (plan with PlanOptions.defaults().select(Selection.RESTATE))");
      }
      try (Statement s = c.createStatement()) {
        s.execute(d.dropTableIfExistsSql(shadow.sql(d)));
      }
      d.createShadow(c, table.schema(), table.table(), shadow.table());
      log.info("run {}: created the shadow table {} for a full rebuild of {}", run.runId(), shadow, table);
    }
  }

  /**
   * Ends a run: a successful rebuild is swapped in (once); otherwise the live table stays as it was
   * and the shadow stays for a resume.
   */
  void finish(RunContext run, RunOutcome outcome, RunCommit commit, WriteStrategy.FullRebuild rebuild)
      throws SQLException {
    TableName shadow = shadowOf(run.runId());
    if (!outcome.succeeded()) {
      log.warn("run {}: full rebuild of {} not swapped ({}); the live table is untouched and the shadow {} is kept"
          + " for a resume", run.runId(), table, outcome.reason(), shadow);
      return;
    }
    Dialect d = dialect.get();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      if (swapped(c, d, run.runId())) {
        log.info("run {}: the full rebuild of {} was swapped in already; not swapping again", run.runId(), table);
        dropQuietly(c, d, shadow);
        return;
      }
      if (!d.tableExists(c, shadow.schema(), shadow.table())) {
        throw new InvalidConfigurationException("run " + run.runId() + " cannot swap its full rebuild of " + table
            + ": its shadow " + shadow + " is gone; start a new full rebuild");
      }
      if (rebuild.keepPrevious()) {
        keepPrevious(c, d);
      }
      swap(c, d, shadow, run, commit);
      dropQuietly(c, d, shadow);
    }
    log.info("run {}: full rebuild swapped into {}{}", run.runId(), table,
        rebuild.keepPrevious() ? "; the previous rows are kept in " + table.previous() : "");
  }

  private void swap(Connection c, Dialect d, TableName shadow, RunContext run, RunCommit commit) throws SQLException {
    String columns = copiedColumns(c, d);
    String live = table.sql(d);
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      Optional<String> lock = d.lockForSwapSql(live);
      if (lock.isPresent()) {
        s.execute(lock.get());
      }
      s.executeUpdate("DELETE FROM " + live);
      s.executeUpdate(d.copyRowsSql(live, shadow.sql(d), columns));
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + swaps().sql(d)
          + " (run_id, table_name, swapped_at) VALUES (?, ?, " + d.now() + ")")) {
        ps.setString(1, run.runId());
        ps.setString(2, table.toString());
        ps.executeUpdate();
      }
      commit.joinTransaction(new ResourceProvider() {
        @Override
        public <R> Optional<R> resource(Class<R> type) {
          if (type == Connection.class) {
            return Optional.of(type.cast(c));
          }
          return type == DataSource.class ? Optional.of(type.cast(dataSource)) : Optional.empty();
        }
      });
      c.commit();
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(c);
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /** The live table's columns as stored, without generated ones, quoted for a copy. */
  private String copiedColumns(Connection c, Dialect d) throws SQLException {
    Set<String> generated = new HashSet<>(d.generatedColumns(c, table.schema(), table.table()));
    StringJoiner columns = new StringJoiner(", ");
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM " + table.sql(d) + " WHERE 1 = 0")) {
      ResultSetMetaData md = rs.getMetaData();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        String name = md.getColumnName(i);
        if (!generated.contains(name)) {
          columns.add(d.quoteStoredName(name));
        }
      }
    }
    return columns.toString();
  }

  private void keepPrevious(Connection c, Dialect d) throws SQLException {
    TableName previous = table.previous();
    try (Statement s = c.createStatement()) {
      s.execute(d.dropTableIfExistsSql(previous.sql(d)));
    }
    d.createShadow(c, table.schema(), table.table(), previous.table());
    try (Statement s = c.createStatement()) {
      s.executeUpdate(d.copyRowsSql(previous.sql(d), table.sql(d), copiedColumns(c, d)));
    }
  }

  private void createSwapsTable(Connection c, Dialect d) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + swaps().sql(d) + " (run_id " + d.exactTextType(64)
          + " NOT NULL PRIMARY KEY, table_name VARCHAR(255) NOT NULL, swapped_at " + d.timestampType() + " NOT NULL)"
          + d.storeTableOptions());
    }
  }

  private boolean swapped(Connection c, Dialect d, String runId) throws SQLException {
    if (!d.tableExists(c, table.schema(), "backfill_swaps")) {
      return false;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + swaps().sql(d) + " WHERE run_id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static void dropQuietly(Connection c, Dialect d, TableName shadow) {
    try (Statement s = c.createStatement()) {
      s.execute(d.dropTableIfExistsSql(shadow.sql(d)));
    } catch (SQLException e) {
      log.warn("could not drop the shadow {} after the swap; drop it by hand: {}", shadow, e.getMessage());
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      log.debug("rollback failed: {}", e.toString());
    }
  }
}
