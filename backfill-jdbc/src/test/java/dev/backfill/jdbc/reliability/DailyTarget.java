package dev.backfill.jdbc.reliability;

import dev.backfill.Backfill;
import dev.backfill.ExecutionOptions;
import dev.backfill.Partitioning;
import dev.backfill.PlanOptions;
import dev.backfill.Selection;
import dev.backfill.PartitionRange;
import dev.backfill.Row;
import dev.backfill.SliceCheck;
import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.JdbcDestination;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.spi.SourceNode;
import dev.backfill.spi.StateStore;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The table every reliability test backfills: {@code (day, id, amount, label)}, daily partitions of
 * 60 days, filled beforehand with "old" rows that overwrite replaces, merge updates and append keeps.
 * Tables and the pipeline are built by the same code in the test JVM and in child JVMs.
 */
final class DailyTarget {
  static final String FIRST_DAY = "2024-01-01";
  static final String LAST_DAY = "2024-02-29";
  static final int DAYS = 60;
  static final Partitioning DAILY = Partitioning.daily(ZoneOffset.UTC).named("day");
  static final String OLD = "old";

  /** How the target is written. */
  enum Kind {
    OVERWRITE, MERGE, APPEND, REBUILD,
    /** Overwrite into a table natively partitioned by day: slices replace their partition. */
    PARTITIONED;

    WriteStrategy strategy() {
      return switch (this) {
        case OVERWRITE, PARTITIONED -> WriteStrategy.overwritePartition("day");
        case MERGE -> WriteStrategy.merge("id");
        case APPEND -> WriteStrategy.append();
        case REBUILD -> WriteStrategy.fullRebuild();
      };
    }
  }

  private final DataSource dataSource;
  private final String table;
  private final Kind kind;
  private final int rowsPerDay;

  DailyTarget(DataSource dataSource, String table, Kind kind, int rowsPerDay) {
    this.dataSource = dataSource;
    this.table = table;
    this.kind = kind;
    this.rowsPerDay = rowsPerDay;
  }

  String table() {
    return table;
  }

  Kind kind() {
    return kind;
  }

  int rowsPerDay() {
    return rowsPerDay;
  }

  static PartitionRange range() {
    return PartitionRange.of(FIRST_DAY, LAST_DAY);
  }

  static List<LocalDate> days() {
    List<LocalDate> days = new ArrayList<>();
    for (LocalDate d = LocalDate.parse(FIRST_DAY); !d.isAfter(LocalDate.parse(LAST_DAY)); d = d.plusDays(1)) {
      days.add(d);
    }
    return days;
  }

  /** The backfill of this table from a source, with a JDBC state store on the same data source. */
  Backfill<Row> backfill(SourceNode<Row> source, StateStore store, SliceCheck... checks) {
    return backfillWrapped(source, store, d -> d, checks);
  }

  /** The same, with the destination wrapped (to stop a child at a chosen moment of the run's end). */
  Backfill<Row> backfillWrapped(SourceNode<Row> source, StateStore store,
      java.util.function.UnaryOperator<dev.backfill.spi.DestinationNode<Row>> wrap, SliceCheck... checks) {
    Backfill.Builder<Row> b = Backfill.builder(table)
        .partitioning(DAILY)
        .source(source)
        .destination(wrap.apply(JdbcDestination.table(dataSource, table)))
        .strategy(kind.strategy())
        .check(SliceCheck.minRows(1))
        .stateStore(store)
        .logicVersion("v2");
    for (SliceCheck c : checks) {
      b.check(c);
    }
    return b.build();
  }

  /** A full rebuild plans every partition (RESTATE); the other kinds plan what needs doing. */
  static PlanOptions planOptions(DailyTarget target) {
    return target.kind() == Kind.REBUILD ? PlanOptions.defaults().select(Selection.RESTATE) : PlanOptions.defaults();
  }

  static ExecutionOptions.Builder options() {
    return ExecutionOptions.builder().maxConcurrency(2);
  }

  /** Creates the table (a key on id for merge only: append must be able to show a doubled row) with old rows. */
  void create() {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      Dialect d = Dialect.of(c);
      s.execute("CREATE TABLE " + d.quote(table) + " (" + d.quote("day") + " DATE NOT NULL, id BIGINT NOT NULL,"
          + " amount BIGINT NOT NULL, label VARCHAR(40) NOT NULL" + (kind == Kind.MERGE ? ", PRIMARY KEY (id)" : "") + ")"
          + (kind == Kind.PARTITIONED ? partitionedByDay(d) : ""));
      if (kind == Kind.PARTITIONED && d.name().equals("PostgreSQL")) {
        for (LocalDate day : days()) {
          s.execute("CREATE TABLE " + d.quote(table + "_" + day.toString().replace("-", "")) + " PARTITION OF "
              + d.quote(table) + " FOR VALUES FROM ('" + day + "') TO ('" + day.plusDays(1) + "')");
        }
      }
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + d.quote(table) + " VALUES (?, ?, ?, ?)")) {
        for (LocalDate day : days()) {
          for (Row r : oldRows(day)) {
            ps.setDate(1, Date.valueOf((LocalDate) r.get("day")));
            ps.setLong(2, (Long) r.get("id"));
            ps.setLong(3, (Long) r.get("amount"));
            ps.setString(4, (String) r.get("label"));
            ps.addBatch();
          }
        }
        ps.executeBatch();
      }
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create " + table + ": " + e.getMessage(), e);
    }
  }

  /** The clause partitioning the table by day: PostgreSQL's children follow, MariaDB's partitions are listed. */
  private String partitionedByDay(Dialect d) {
    if (d.name().equals("PostgreSQL")) {
      return " PARTITION BY RANGE (" + d.quote("day") + ")";
    }
    StringBuilder parts = new StringBuilder(" PARTITION BY RANGE COLUMNS(" + d.quote("day") + ") (PARTITION p_before"
        + " VALUES LESS THAN ('" + FIRST_DAY + "'), ");
    for (LocalDate day : days()) {
      parts.append("PARTITION p").append(day.toString().replace("-", "")).append(" VALUES LESS THAN ('")
          .append(day.plusDays(1)).append("'), ");
    }
    return parts.append("PARTITION p_after VALUES LESS THAN (MAXVALUE))").toString();
  }

  /** The rows a day holds before the backfill: two more ids than the source produces. */
  List<Row> oldRows(LocalDate day) {
    return GeneratedSource.rowsOf(day, rowsPerDay + 2, OLD);
  }

  /** The table's rows as text lines {@code day|id|amount|label}, sorted by day, id, label, amount. */
  List<String> lines() {
    try (Connection c = dataSource.getConnection()) {
      return lines(c);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read " + table + ": " + e.getMessage(), e);
    }
  }

  private List<String> lines(Connection c) throws SQLException {
    Dialect d = Dialect.of(c);
    try (PreparedStatement ps = c.prepareStatement("SELECT " + d.quote("day") + ", id, amount, label FROM "
        + d.quote(table) + " ORDER BY " + d.quote("day") + ", id, label, amount");
        ResultSet rs = ps.executeQuery()) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getDate(1).toLocalDate() + "|" + rs.getLong(2) + "|" + rs.getLong(3) + "|" + rs.getString(4));
      }
      return out;
    }
  }

  /**
   * The slices' statuses (by slice key) and the table's lines by day, read in ONE repeatable-read
   * snapshot: a commit the server still finishes for a killed client shows in both or in neither.
   */
  Snapshot snapshot(String runId) {
    try (Connection c = dataSource.getConnection()) {
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setAutoCommit(false);
      try {
        Map<String, dev.backfill.SliceStatus> statuses = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT slice_key, status FROM backfill_slices WHERE run_id = ?")) {
          ps.setString(1, runId);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              statuses.put(rs.getString(1), dev.backfill.SliceStatus.valueOf(rs.getString(2)));
            }
          }
        }
        Map<LocalDate, List<String>> byDay = lines(c).stream().collect(Collectors.groupingBy(
            l -> LocalDate.parse(l.substring(0, 10)), TreeMap::new, Collectors.toList()));
        return new Snapshot(statuses, byDay);
      } finally {
        c.rollback();
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read " + table + ": " + e.getMessage(), e);
    }
  }

  /** Slice statuses by key and the table's lines by day, from one snapshot. */
  record Snapshot(Map<String, dev.backfill.SliceStatus> statuses, Map<LocalDate, List<String>> linesByDay) {}

  /** The table's lines grouped by day (days without rows are absent). */
  Map<LocalDate, List<String>> linesByDay() {
    return lines().stream().collect(Collectors.groupingBy(l -> LocalDate.parse(l.substring(0, 10)), TreeMap::new,
        Collectors.toList()));
  }

  /** Expected lines of one day after a slice labelled {@code label} committed once on the old rows. */
  List<String> expectedAfter(LocalDate day, String label) {
    List<Row> rows = new ArrayList<>();
    List<Row> fresh = GeneratedSource.rowsOf(day, rowsPerDay, label);
    switch (kind) {
      case OVERWRITE, REBUILD, PARTITIONED -> rows.addAll(fresh);
      case APPEND -> {
        rows.addAll(oldRows(day));
        rows.addAll(fresh);
      }
      case MERGE -> {
        rows.addAll(fresh);
        rows.addAll(oldRows(day).subList(rowsPerDay, rowsPerDay + 2));
      }
    }
    return sorted(rows);
  }

  List<String> expectedBefore(LocalDate day) {
    return sorted(oldRows(day));
  }

  private static List<String> sorted(List<Row> rows) {
    return rows.stream()
        .sorted(java.util.Comparator.<Row, Long>comparing(r -> (Long) r.get("id"))
            .thenComparing(r -> (String) r.get("label")).thenComparing(r -> (Long) r.get("amount")))
        .map(r -> r.get("day") + "|" + r.get("id") + "|" + r.get("amount") + "|" + r.get("label"))
        .toList();
  }

  @Override
  public String toString() {
    return table + " (" + kind.name().toLowerCase(Locale.ROOT) + ")";
  }
}
