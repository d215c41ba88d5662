package dev.backfill.jdbc;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backfill.BackfillException;
import dev.backfill.CheckResult;
import dev.backfill.CancelMode;
import dev.backfill.Guarantee;
import dev.backfill.InvalidConfigurationException;
import dev.backfill.PartitionKey;
import dev.backfill.RunFilter;
import dev.backfill.RunStatus;
import dev.backfill.SliceStats;
import dev.backfill.SliceStatus;
import dev.backfill.UnknownRunException;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.jdbc.internal.StoreClaims;
import dev.backfill.jdbc.internal.StoreLimits;
import dev.backfill.jdbc.internal.StoreHistory;
import dev.backfill.jdbc.internal.StoreSliceEnd;
import dev.backfill.jdbc.internal.StoreTables;
import dev.backfill.jdbc.internal.StoreTargets;
import dev.backfill.jdbc.internal.StoreTx;
import dev.backfill.jdbc.internal.UnstartedWrite;
import dev.backfill.spi.CancelRequest;
import dev.backfill.spi.LeaseLostException;
import dev.backfill.spi.PartitionState;
import dev.backfill.spi.ResourceProvider;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SliceAttempt;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceOutcome;
import dev.backfill.spi.SliceRecord;
import dev.backfill.spi.StateStore;
import dev.backfill.spi.TargetLease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link StateStore} in a database reached through JDBC (H2, PostgreSQL, MariaDB/MySQL): runs with
 * their persisted plans, slices with status, attempts, fencing version, worker, lease and timings, and
 * the per-partition state that planning selects on. Several processes can share it to work one run.
 *
 * <pre>{@code
 * StateStore store = JdbcStateStore.create(ds);                        // tables backfill_runs, ...
 * StateStore store = JdbcStateStore.builder(ds).schema("ops").tablePrefix("bf_").build();
 * }</pre>
 *
 * <ul>
 *   <li><b>Tables</b>: {@code <prefix>runs}, {@code <prefix>slices}, {@code <prefix>attempts} (the
 *       append-only history of finished attempts), {@code <prefix>partitions} and
 *       {@code <prefix>schema_version}, created and migrated when the store is built. Migrations are
 *       idempotent and safe when several processes start at once.
 *   <li><b>Exactly-once</b>: when the run's destination hands out the same {@code DataSource} instance
 *       as this store ({@link #guaranteeWith}), a slice's SUCCEEDED status and partition states are
 *       written through the slice writer's open connection and commit with the slice's data. With any
 *       other destination the store uses its own connections and the run records at-least-once.
 *   <li><b>Leases</b>: lease ends are computed by the database ({@code CURRENT_TIMESTAMP} or its
 *       equivalent), never by the JVM's clock, so workers on machines with skewed clocks agree.
 *       Claims use {@code SELECT ... FOR UPDATE SKIP LOCKED} on PostgreSQL and MariaDB 10.6+ and a
 *       compare-and-set on the slice's version elsewhere. Every claim increases the version (the
 *       fencing token); renewals, retries and completions presented with an older version fail with
 *       {@link LeaseLostException}.
 *   <li><b>Retries</b>: the store's own transactions are retried on deadlocks, serialization
 *       failures and lock timeouts.
 * </ul>
 */
public final class JdbcStateStore implements StateStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final int BATCH = 1000;
  private static final List<String> PARTITION_COLUMNS = List.of("target", "partition_key", "last_status", "last_run_id",
      "succeeded_at", "logic_version", "row_count", "duration_ms", "invalidated");
  private static final List<String> PARTITION_KEY = List.of("target", "partition_key");
  private static final List<String> PARTITION_VALUES = PARTITION_COLUMNS.subList(2, PARTITION_COLUMNS.size());

  private final DataSource dataSource;
  private final Dialect dialect;
  private final StoreTables t;
  private final StoreTx tx;
  private final StoreTargets targets;
  private final StoreHistory history;
  private final @Nullable StoreClaims claims;
  /** A slice's end in one statement, where the engine has data-modifying WITH or compound statements. */
  private final @Nullable StoreSliceEnd sliceEnd;
  /**
   * A slice's end statement by outcome ({@link #endSqlIndex}), built once: building it and hashing it
   * anew for the driver's statement cache was a visible part of a short slice's client time.
   */
  private final String[] endSql = new String[4];
  /** The slice's lease-checked update that a {@link #knownEndSql} starts with: its run's target is known. */
  private final String knownEndUpdate;
  /**
   * A slice's end from what its claim read ({@link StoreSliceEnd#knownSql}), by outcome and number of
   * partitions ({@link #endSqlIndex} × 1000 + count), built when first used.
   */
  private final Map<Integer, String> knownEndSql = new java.util.concurrent.ConcurrentHashMap<>();
  /** Target and logic version by run id, read once per run by a slice's end (they never change). */
  private final Map<String, String[]> runTargets = new java.util.concurrent.ConcurrentHashMap<>();
  private final String description;

  private JdbcStateStore(DataSource dataSource, Dialect dialect, @Nullable String schema, String prefix) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.t = new StoreTables(dialect, schema, prefix);
    this.tx = new StoreTx(dataSource, dialect, "backfill-state-store-" + prefix);
    this.targets = new StoreTargets(dialect, t);
    this.history = new StoreHistory(t, dialect, tx);
    this.description = "JdbcStateStore(" + dialect.name() + ", " + (schema == null ? "" : schema + ".") + prefix + "*)";
    boolean compound = tx.withConnection("create or migrate its tables " + prefix + "*", 5, c -> {
      t.migrate(c);
      return dialect.supportsCompoundStatements(c);
    });
    this.sliceEnd = dialect.supportsDataModifyingWith() || compound ? new StoreSliceEnd(dialect, t) : null;
    // the claim remembers what the slice's end would otherwise read back, unless the end reads it itself
    boolean remember = sliceEnd == null || sliceEnd.bindsSliceFirst();
    this.claims = dialect.supportsSkipLocked() ? new StoreClaims(dialect, t, tx, remember, compound) : null;
    String leaseChecked = "UPDATE " + t.slices + " SET status = ?, lease_until = NULL,"
        + " started_at = ?, finished_at = ?, row_count = ?, error = ?, checks = ?, log_excerpt = ?, stats_json = ?"
        + " WHERE run_id = ? AND slice_index = ? AND version = ? AND status = 'RUNNING'";
    String update = leaseChecked + targets.noOtherHolderCondition();
    for (SliceStatus status : List.of(SliceStatus.SUCCEEDED, SliceStatus.FAILED, SliceStatus.CANCELLED)) {
      boolean ok = status == SliceStatus.SUCCEEDED;
      boolean partitions = recordsPartitions(status);
      endSql[endSqlIndex(status)] = sliceEnd != null ? sliceEnd.sql(update, partitions, ok, partitionUpdate(ok), false)
          : update + (dialect.supportsUpdateReturning() ? " RETURNING partition_keys" : "");
    }
    endSql[ALONE] = sliceEnd != null ? sliceEnd.sql(update, true, true, partitionUpdate(true), true) : "";
    this.knownEndUpdate = leaseChecked + targets.noOtherHolderOfTargetCondition();
  }

  /** {@link #endSql}'s index of a success that commits alone ({@link UnstartedWrite}). */
  private static final int ALONE = 3;

  /** 0 for a success, 1 for an end that records its partitions as failed, 2 for one that records none. */
  private static int endSqlIndex(SliceStatus status) {
    return status == SliceStatus.SUCCEEDED ? 0 : recordsPartitions(status) ? 1 : 2;
  }

  /** Whether a slice ending with this status records its partitions' states. */
  private static boolean recordsPartitions(SliceStatus status) {
    return status == SliceStatus.SUCCEEDED || status == SliceStatus.FAILED || status == SliceStatus.FAILED_CHECK;
  }

  /**
   * Creates a store with tables {@code backfill_*} in the connection's current schema, creating or
   * migrating them.
   *
   * @param dataSource the database
   * @return the store
   */
  public static JdbcStateStore create(DataSource dataSource) {
    return builder(dataSource).build();
  }

  /**
   * Starts configuring a store.
   *
   * @param dataSource the database
   * @return a builder
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(requireNonNull(dataSource, "dataSource"));
  }

  /** Configures a {@link JdbcStateStore}. */
  public static final class Builder {
    private final DataSource dataSource;
    private @Nullable String schema;
    private String prefix = "backfill_";
    private @Nullable Dialect dialect;

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * Puts the tables into a schema (a database on MariaDB), created if missing.
     *
     * @param name schema name, a plain SQL name
     * @return this builder
     */
    public Builder schema(String name) {
      this.schema = Dialect.checkIdentifier(name, "state store schema");
      return this;
    }

    /**
     * Sets the prefix of the table names (default {@code backfill_}).
     *
     * @param prefix a plain SQL name such as {@code bf_}
     * @return this builder
     */
    public Builder tablePrefix(String prefix) {
      this.prefix = Dialect.checkIdentifier(prefix, "state store table prefix");
      return this;
    }

    /**
     * Sets the dialect instead of detecting it from the connection.
     *
     * @param d the dialect
     * @return this builder
     */
    public Builder dialect(SqlDialect d) {
      this.dialect = requireNonNull(d, "dialect").engine();
      return this;
    }

    /**
     * Builds the store, creating or migrating its tables.
     *
     * @return the store
     * @throws InvalidConfigurationException when the tables are newer than this library
     * @throws dev.backfill.BackfillException when the database cannot be reached
     */
    public JdbcStateStore build() {
      Dialect d = dialect != null ? dialect : Dialect.detect(dataSource);
      return new JdbcStateStore(dataSource, d, schema, prefix);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Runs

  @Override
  public void createRun(RunRecord run, List<SliceRecord> slices) {
    StoreLimits.checkRun(run);
    java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();
    tx.run("create run " + run.runId(), c -> {
      boolean retry = tries.incrementAndGet() > 1;
      if (runExists(c, run.runId())) {
        if (retry && samePlan(c, run)) {
          return null; // this call's own earlier try committed, but its answer was lost
        }
        throw new IllegalStateException("run " + run.runId() + " exists already");
      }
      try {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t.runs + " (run_id, target, status, logic_version,"
            + " guarantee, plan_json, slice_count, created_at, finished_at, message, options_json)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
          ps.setString(1, run.runId());
          ps.setString(2, run.target());
          ps.setString(3, run.status().name());
          ps.setString(4, run.logicVersion());
          ps.setString(5, run.guarantee().name());
          ps.setString(6, run.planJson());
          ps.setInt(7, run.sliceCount());
          dialect.bindStoredInstant(ps, 8, run.createdAt());
          dialect.bindStoredInstant(ps, 9, run.finishedAt());
          ps.setString(10, run.message());
          ps.setString(11, run.optionsJson());
          ps.executeUpdate();
        }
        insertSlices(c, slices);
      } catch (SQLException e) {
        if (dialect.isUniqueViolation(e) && !dialect.isRetryable(e)) {
          throw new IllegalStateException("run " + run.runId() + " exists already", e);
        }
        throw e;
      }
      return null;
    });
  }

  private boolean samePlan(Connection c, RunRecord run) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT target, plan_json FROM " + t.runs + " WHERE run_id = ?")) {
      ps.setString(1, run.runId());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && run.target().equals(rs.getString(1)) && run.planJson().equals(text(rs, "plan_json"));
      }
    }
  }

  private void insertSlices(Connection c, List<SliceRecord> slices) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t.slices + " (run_id, slice_index, slice_key,"
        + " partition_keys, status, attempt, version, worker, lease_until, started_at, finished_at, row_count, error,"
        + " checks, log_excerpt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      int pending = 0;
      for (SliceRecord s : slices) {
        StoreLimits.checkSlice(s);
        ps.setString(1, s.runId());
        ps.setInt(2, s.index());
        ps.setString(3, s.key());
        ps.setString(4, json(s.partitions()));
        ps.setString(5, s.status().name());
        ps.setInt(6, s.attempt());
        ps.setLong(7, s.version());
        setText(ps, 8, s.worker());
        dialect.bindStoredInstant(ps, 9, s.leaseUntil());
        dialect.bindStoredInstant(ps, 10, s.startedAt());
        dialect.bindStoredInstant(ps, 11, s.finishedAt());
        ps.setLong(12, s.rows());
        setText(ps, 13, s.error());
        ps.setString(14, json(s.checks()));
        setText(ps, 15, s.logExcerpt());
        ps.addBatch();
        if (++pending == BATCH) {
          ps.executeBatch();
          pending = 0;
        }
      }
      if (pending > 0) {
        ps.executeBatch();
      }
    }
  }

  @Override
  public Optional<RunRecord> run(String runId) {
    return tx.single("read run " + runId, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + t.runs + " WHERE run_id = ?")) {
        ps.setString(1, runId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(runRecord(rs)) : Optional.empty();
        }
      }
    });
  }

  private RunRecord runOn(Connection c, String runId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + t.runs + " WHERE run_id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw unknownRun(runId);
        }
        return runRecord(rs);
      }
    }
  }

  @Override
  public List<RunRecord> runs(String target) {
    return tx.run("list runs of " + target, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + t.runs
          + " WHERE target = ? ORDER BY created_at DESC, run_id DESC")) {
        ps.setString(1, target);
        List<RunRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(runRecord(rs));
          }
        }
        return out;
      }
    });
  }

  @Override
  public void updateRun(String runId, RunStatus status, @Nullable Instant finishedAt, String message) {
    tx.run("update run " + runId, c -> {
      updateRunOn(c, runId, status, finishedAt, message);
      if (status == RunStatus.RUNNING) {
        // a cancel request belongs to the run's previous session
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.runs + " SET cancel_mode = NULL,"
            + " cancel_requested_at = NULL, cancel_requested_by = NULL WHERE run_id = ?")) {
          ps.setString(1, runId);
          ps.executeUpdate();
        }
      }
      return null;
    });
  }

  private void updateRunOn(Connection c, String runId, RunStatus status, @Nullable Instant finishedAt, String message)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.runs
        + " SET status = ?, finished_at = ?, message = ? WHERE run_id = ?")) {
      ps.setString(1, status.name());
      dialect.bindStoredInstant(ps, 2, finishedAt);
      ps.setString(3, message);
      ps.setString(4, runId);
      if (ps.executeUpdate() == 0) {
        throw unknownRun(runId);
      }
    }
  }

  @Override
  public boolean transitionRun(String runId, RunStatus from, RunStatus to, @Nullable Instant finishedAt, String message) {
    return tx.run("move run " + runId + " from " + from + " to " + to, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.runs
          + " SET status = ?, finished_at = ?, message = ? WHERE run_id = ? AND status = ?")) {
        ps.setString(1, to.name());
        dialect.bindStoredInstant(ps, 2, finishedAt);
        ps.setString(3, message);
        ps.setString(4, runId);
        ps.setString(5, from.name());
        if (ps.executeUpdate() == 1) {
          return true;
        }
      }
      requireRun(c, runId);
      // a retry after a commit whose answer was lost: the run shows this very transition
      RunRecord now = runOn(c, runId);
      return !message.isEmpty() && now.status() == to && message.equals(now.message());
    });
  }

  private RunRecord runRecord(ResultSet rs) throws SQLException {
    return history.runRecord(rs, true);
  }

  // ---------------------------------------------------------------------------------------------
  // Slices

  @Override
  public List<SliceRecord> slices(String runId) {
    return readSlices("read the slices of run " + runId, runId, 0, Integer.MAX_VALUE);
  }

  /**
   * Reads a page with one range query on the slices' primary key (run_id, slice_index). The range is
   * bounded on both sides, not only by LIMIT: without statistics on a freshly created run PostgreSQL
   * otherwise sorts every slice after {@code fromIndex} for each page, which made walking a run of
   * two million slices quadratic (150 ms a page instead of under 1 ms).
   */
  @Override
  public List<SliceRecord> slices(String runId, int fromIndex, int limit) {
    StateStore.checkPage(fromIndex, limit);
    return readSlices("read slices " + fromIndex + ".. of run " + runId, runId, fromIndex, limit);
  }

  private List<SliceRecord> readSlices(String what, String runId, int fromIndex, int limit) {
    boolean paged = limit < Integer.MAX_VALUE;
    return tx.run(what, c -> {
      List<SliceRecord> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + t.slices
          + " WHERE run_id = ? AND slice_index >= ? AND slice_index < ? ORDER BY slice_index"
          + (paged ? " LIMIT " + limit : ""))) {
        ps.setString(1, runId);
        ps.setInt(2, fromIndex);
        ps.setLong(3, (long) fromIndex + limit);
        dialect.streamResults(ps, BATCH);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(sliceRecord(rs));
          }
        }
      }
      if (out.isEmpty() && !runExists(c, runId)) {
        throw unknownRun(runId);
      }
      return out;
    });
  }

  private SliceRecord sliceRecord(ResultSet rs) throws SQLException {
    long rows = rs.getLong("row_count");
    String stats = text(rs, "stats_json");
    return new SliceRecord(rs.getString("run_id"), rs.getInt("slice_index"), rs.getString("slice_key"),
        strings(text(rs, "partition_keys")), SliceStatus.valueOf(rs.getString("status")), rs.getInt("attempt"),
        rs.getLong("version"), rs.getString("worker"), dialect.readStoredInstant(rs, "lease_until"),
        dialect.readStoredInstant(rs, "started_at"), dialect.readStoredInstant(rs, "finished_at"),
        rows, text(rs, "error"), strings(text(rs, "checks")), text(rs, "log_excerpt"),
        stats == null || stats.isEmpty() ? SliceStats.ofRows(Math.max(0, rows)) : SliceStats.fromJson(stats));
  }

  @Override
  public Map<SliceStatus, Integer> countSlices(String runId) {
    return tx.single("count the slices of run " + runId, c -> {
      Map<SliceStatus, Integer> counts = new EnumMap<>(SliceStatus.class);
      try (PreparedStatement ps = c.prepareStatement("SELECT status, COUNT(*) FROM " + t.slices
          + " WHERE run_id = ? GROUP BY status")) {
        ps.setString(1, runId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            counts.put(SliceStatus.valueOf(rs.getString(1)), rs.getInt(2));
          }
        }
      }
      if (counts.isEmpty()) {
        requireRun(c, runId);
      }
      return counts;
    });
  }

  @Override
  public List<SliceAttempt> attempts(String runId) {
    return readAttempts("read the attempt history of run " + runId, runId,
        " ORDER BY recorded_at, slice_index, attempt", -1, 0);
  }

  /**
   * Reads the attempts of a range of slices with one range query on the attempts' primary key
   * (run_id, slice_index, attempt), bounded on both sides for the reason {@link #slices(String, int, int)}
   * gives; there is no LIMIT, since a slice may have any number of attempts.
   */
  @Override
  public List<SliceAttempt> attempts(String runId, int fromIndex, int limit) {
    StateStore.checkPage(fromIndex, limit);
    return readAttempts("read the attempts of slices " + fromIndex + ".. of run " + runId, runId,
        " AND slice_index >= ? AND slice_index < ? ORDER BY slice_index, attempt", fromIndex, (long) fromIndex + limit);
  }

  private List<SliceAttempt> readAttempts(String what, String runId, String rest, int fromIndex, long toIndex) {
    return tx.run(what, c -> {
      List<SliceAttempt> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + t.attempts + " WHERE run_id = ?" + rest)) {
        ps.setString(1, runId);
        if (fromIndex >= 0) {
          ps.setInt(2, fromIndex);
          ps.setLong(3, toIndex);
        }
        dialect.streamResults(ps, BATCH);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new SliceAttempt(rs.getString("run_id"), rs.getInt("slice_index"), rs.getString("slice_key"),
                rs.getInt("attempt"), rs.getString("worker"), SliceStatus.valueOf(rs.getString("status")),
                dialect.readStoredInstant(rs, "started_at"),
                requireNonNull(dialect.readStoredInstant(rs, "finished_at")), rs.getLong("row_count"),
                text(rs, "error"), text(rs, "log_excerpt")));
          }
        }
      }
      if (out.isEmpty()) {
        requireRun(c, runId);
      }
      return out;
    });
  }

  /**
   * Appends the slice's current attempt to the history, for the lease's version only (nothing is
   * written for a stale lease). Null times mean: the slice row's start, the database's now.
   *
   * @return whether the attempt was written
   */
  private boolean recordAttempt(Connection c, SliceLease lease, SliceStatus status, @Nullable Instant startedAt,
      @Nullable Instant finishedAt, long rows, @Nullable String error, @Nullable String logExcerpt, boolean stillRunning)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t.attempts + " (run_id, slice_index, attempt,"
        + " slice_key, worker, status, started_at, finished_at, row_count, error, log_excerpt, recorded_at)"
        + " SELECT run_id, slice_index, attempt, slice_key, ?, ?, " + (startedAt == null ? "started_at" : "?") + ", "
        + (finishedAt == null ? dialect.now() : "?") + ", ?, ?, ?, " + dialect.now() + " FROM " + t.slices
        + " WHERE run_id = ? AND slice_index = ? AND version = ?" + (stillRunning ? " AND status = 'RUNNING'" : ""))) {
      int i = 1;
      ps.setString(i++, lease.workerId());
      ps.setString(i++, status.name());
      if (startedAt != null) {
        dialect.bindStoredInstant(ps, i++, startedAt);
      }
      if (finishedAt != null) {
        dialect.bindStoredInstant(ps, i++, finishedAt);
      }
      ps.setLong(i++, rows);
      setText(ps, i++, error);
      setText(ps, i++, logExcerpt);
      ps.setString(i++, lease.runId());
      ps.setInt(i++, lease.index());
      ps.setLong(i, lease.version());
      return ps.executeUpdate() == 1;
    }
  }

  @Override
  public Optional<SliceLease> claim(String runId, String workerId, Duration leaseTime) {
    requireNonNull(workerId, "workerId");
    long millis = leaseTime.toMillis();
    if (claims != null) {
      return claims.claim(runId, workerId, leaseTime, 1).stream().findFirst();
    }
    return tx.run("claim a slice of run " + runId, c -> {
      // Compare-and-set: find a candidate without locks, then update it only if nobody changed its
      // version meanwhile; a lost race just looks for the next one (someone else made progress).
      while (true) {
        long[] candidate = candidate(c, runId, "status = 'RUNNING' AND lease_until <= " + dialect.now());
        if (candidate == null) {
          candidate = candidate(c, runId, "status = 'PENDING'");
        }
        if (candidate == null) {
          requireRun(c, runId);
          return Optional.empty();
        }
        int index = (int) candidate[0];
        if (takeSlice(c, runId, index, candidate[1], workerId, millis)) {
          return Optional.of(lease(c, runId, index, workerId));
        }
        c.commit();
        dialect.beginWrite(c); // the next transaction on this connection, as the store's first
      }
    });
  }

  @Override
  public Optional<SliceLease> claimSlice(String runId, int index, String workerId, Duration leaseTime) {
    requireNonNull(workerId, "workerId");
    long millis = leaseTime.toMillis();
    return tx.run("claim slice " + index + " of run " + runId, c -> {
      // One conditional update: only a PENDING slice or one whose lease expired in database time moves.
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.slices + " SET status = 'RUNNING',"
          + " attempt = attempt + 1, version = version + 1, worker = ?, lease_until = " + dialect.nowPlusMillis() + ","
          + " started_at = " + dialect.now() + ", finished_at = NULL, row_count = 0, checks = NULL, log_excerpt = NULL"
          + " WHERE run_id = ? AND slice_index = ? AND (status = 'PENDING' OR (status = 'RUNNING' AND lease_until <= "
          + dialect.now() + "))")) {
        ps.setString(1, workerId);
        ps.setLong(2, millis);
        ps.setString(3, runId);
        ps.setInt(4, index);
        if (ps.executeUpdate() != 1) {
          requireRun(c, runId);
          return Optional.empty();
        }
      }
      return Optional.of(lease(c, runId, index, workerId));
    });
  }

  private long @Nullable [] candidate(Connection c, String runId, String condition) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT slice_index, version FROM " + t.slices
        + " WHERE run_id = ? AND " + condition + " ORDER BY slice_index LIMIT 1")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new long[] {rs.getInt(1), rs.getLong(2)} : null;
      }
    }
  }

  /** Sets a slice RUNNING for a worker; with {@code expectedVersion >= 0} only if still claimable at it. */
  private boolean takeSlice(Connection c, String runId, int index, long expectedVersion, String workerId, long millis)
      throws SQLException {
    String cas = expectedVersion < 0 ? ""
        : " AND version = ? AND (status = 'PENDING' OR (status = 'RUNNING' AND lease_until <= " + dialect.now() + "))";
    try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.slices + " SET status = 'RUNNING',"
        + " attempt = attempt + 1, version = version + 1, worker = ?, lease_until = " + dialect.nowPlusMillis() + ","
        + " started_at = " + dialect.now() + ", finished_at = NULL, row_count = 0, checks = NULL, log_excerpt = NULL"
        + " WHERE run_id = ? AND slice_index = ?" + cas)) {
      ps.setString(1, workerId);
      ps.setLong(2, millis);
      ps.setString(3, runId);
      ps.setInt(4, index);
      if (expectedVersion >= 0) {
        ps.setLong(5, expectedVersion);
      }
      return ps.executeUpdate() == 1;
    }
  }

  private SliceLease lease(Connection c, String runId, int index, String workerId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT attempt, version, lease_until FROM " + t.slices
        + " WHERE run_id = ? AND slice_index = ?")) {
      ps.setString(1, runId);
      ps.setInt(2, index);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new SliceLease(runId, index, workerId, rs.getInt("attempt"), rs.getLong("version"),
            requireNonNull(dialect.readStoredInstant(rs, "lease_until")));
      }
    }
  }

  @Override
  public Optional<SliceLease> renew(SliceLease lease, Duration leaseTime) {
    if (claims != null) {
      return claims.renew(lease, leaseTime);
    }
    return tx.run("renew the lease on slice " + lease.index() + " of run " + lease.runId(), c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.slices + " SET lease_until = "
          + dialect.nowPlusMillis() + " WHERE run_id = ? AND slice_index = ? AND version = ? AND status = 'RUNNING'")) {
        ps.setLong(1, leaseTime.toMillis());
        ps.setString(2, lease.runId());
        ps.setInt(3, lease.index());
        ps.setLong(4, lease.version());
        if (ps.executeUpdate() == 0) {
          return Optional.empty();
        }
      }
      SliceLease current = lease(c, lease.runId(), lease.index(), lease.workerId());
      return Optional.of(new SliceLease(lease.runId(), lease.index(), lease.workerId(), lease.attempt(),
          lease.version(), current.leaseUntil()));
    });
  }

  @Override
  public SliceLease nextAttempt(SliceLease lease, String error) {
    return nextAttempt(lease, error, null);
  }

  @Override
  public SliceLease nextAttempt(SliceLease lease, String error, @Nullable String logExcerpt) {
    return tx.run("start the next attempt at slice " + lease.index() + " of run " + lease.runId(), c -> {
      SliceLease current0 = lease(c, lease.runId(), lease.index(), lease.workerId());
      if (current0.version() == lease.version() && current0.attempt() == lease.attempt() + 1) {
        // a retry after a commit whose answer was lost: the next attempt has started already
        return new SliceLease(lease.runId(), lease.index(), lease.workerId(), current0.attempt(), lease.version(),
            current0.leaseUntil());
      }
      if (!recordAttempt(c, lease, SliceStatus.FAILED, null, null, 0, error, logExcerpt, true)) {
        throw leaseLost(c, lease);
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.slices + " SET attempt = attempt + 1,"
          + " started_at = " + dialect.now() + ", finished_at = NULL, row_count = 0, error = ?, checks = NULL,"
          + " log_excerpt = NULL, stats_json = NULL"
          + " WHERE run_id = ? AND slice_index = ? AND version = ? AND status = 'RUNNING' AND attempt = ?")) {
        setText(ps, 1, error);
        ps.setString(2, lease.runId());
        ps.setInt(3, lease.index());
        ps.setLong(4, lease.version());
        ps.setInt(5, lease.attempt());
        if (ps.executeUpdate() == 0) {
          throw leaseLost(c, lease);
        }
      }
      SliceLease current = lease(c, lease.runId(), lease.index(), lease.workerId());
      return new SliceLease(lease.runId(), lease.index(), lease.workerId(), current.attempt(), lease.version(),
          current.leaseUntil());
    });
  }

  @Override
  public void complete(SliceLease lease, SliceOutcome outcome, ResourceProvider transaction) {
    SliceStatus s = outcome.status();
    boolean ok = s == SliceStatus.SUCCEEDED;
    boolean partitions = recordsPartitions(s);
    // The lease check (version, RUNNING) and the target's holder check are the update's own conditions:
    // one statement, and the reasons are read only when it changed nothing. Where the engine allows,
    // the attempt and the partitions ride in the same statement (StoreSliceEnd).
    StoreSliceEnd end = sliceEnd;
    boolean oneStatement = end != null;
    boolean returning = oneStatement || dialect.supportsUpdateReturning();
    // What this process's claim read of the slice: its end then inserts the attempt and the partitions'
    // states from bound values instead of reading them back (compound statements only)
    StoreClaims.@Nullable ClaimedSlice claimed = end != null && end.bindsSliceFirst() && claims != null
        ? claims.takeClaimed(lease).orElse(null) : null;
    @Nullable List<String> claimedKeys = claimed == null ? null : strings(claimed.partitionKeys());
    boolean known = claimedKeys != null && claimedKeys.size() <= StoreSliceEnd.MOST_KNOWN_PARTITIONS;
    java.util.function.Function<String, StoreTx.Work<Void>> ending = sql -> c -> {
      @Nullable List<String> keys = null;
      String[] run = known ? runTarget(c, lease.runId()) : null;
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int i = 1;
        if (end != null && end.bindsSliceFirst()) {
          ps.setString(i++, lease.runId());
          ps.setInt(i++, lease.index());
        }
        ps.setString(i++, outcome.status().name());
        dialect.bindStoredInstant(ps, i++, outcome.startedAt());
        dialect.bindStoredInstant(ps, i++, outcome.finishedAt());
        ps.setLong(i++, outcome.rows());
        setText(ps, i++, outcome.error());
        ps.setString(i++, json(outcome.checks().stream().map(CheckResult::toString).toList()));
        setText(ps, i++, outcome.logExcerpt());
        ps.setString(i++, outcome.stats().toJson());
        ps.setString(i++, lease.runId());
        ps.setInt(i++, lease.index());
        ps.setLong(i++, lease.version());
        ps.setString(i++, known ? run[0] : lease.runId());
        ps.setString(i++, lease.runId());
        if (oneStatement) {
          if (known) {
            ps.setInt(i++, lease.attempt());
            ps.setString(i++, claimed.key());
          }
          ps.setString(i++, lease.workerId());
          ps.setString(i++, outcome.status().name());
          dialect.bindStoredInstant(ps, i++, outcome.startedAt());
          dialect.bindStoredInstant(ps, i++, outcome.finishedAt());
          ps.setLong(i++, outcome.rows());
          setText(ps, i++, outcome.error());
          setText(ps, i++, outcome.logExcerpt());
          if (partitions && known) {
            bindPartitions(ps, i, run, claimedKeys, outcome);
          } else if (partitions) {
            ps.setString(i++, outcome.status().name());
            if (ok) {
              dialect.bindStoredInstant(ps, i++, outcome.finishedAt());
              ps.setLong(i++, outcome.rows());
              ps.setLong(i, Duration.between(outcome.startedAt(), outcome.finishedAt()).toMillis());
            }
          }
        }
        boolean updated;
        if (returning) {
          try (ResultSet rs = ps.executeQuery()) {
            updated = rs.next();
            // one statement recorded the partitions itself; its row only says that the update applied
            keys = updated && !oneStatement ? strings(text(rs, "partition_keys")) : null;
          }
        } else {
          updated = ps.executeUpdate() == 1;
        }
        if (!updated) {
          String holder = targets.holderOfTargetOf(c, lease.runId());
          if (holder != null && !holder.equals(lease.runId())) {
            throw new LeaseLostException("the target of run " + lease.runId() + " is held by run " + holder
                + " now; slice " + lease.index() + " may not commit any more");
          }
          if (alreadyRecorded(c, lease, outcome.status())) {
            return null; // a retry after a commit whose answer was lost
          }
          throw leaseLost(c, lease);
        }
      }
      if (!oneStatement) {
        recordAttempt(c, lease, outcome.status(), outcome.startedAt(), outcome.finishedAt(), outcome.rows(),
            outcome.error(), outcome.logExcerpt(), false);
        if (partitions) {
          recordPartitions(c, lease, outcome, keys);
        }
      }
      return null;
    };
    String what = "record the " + outcome.status() + " of slice " + lease.index() + " of run " + lease.runId();
    boolean joins = ok && sharesDataSource(transaction);
    if (joins && oneStatement) {
      // When the writer has sent nothing (an empty slice), its end is all there is to commit, alone, in one
      // round trip; the writer's commit then has nothing to send.
      Optional<UnstartedWrite> unstarted = transaction.resource(UnstartedWrite.class);
      if (unstarted.isPresent() && unstarted.get().endAlone(c -> tx.join(what, c,
          ending.apply(known ? knownEndSql(ALONE, claimedKeys.size()) : endSql[ALONE])))) {
        return;
      }
    }
    String sql = known ? knownEndSql(endSqlIndex(s), claimedKeys.size()) : endSql[endSqlIndex(s)];
    Optional<Connection> joined = joins ? transaction.resource(Connection.class) : Optional.empty();
    if (joined.isPresent()) {
      // Exactly-once: written in the slice writer's transaction, committed by the writer's commit.
      tx.join(what, joined.get(), ending.apply(sql));
    } else {
      tx.run(what, ending.apply(sql));
    }
  }

  /** The end from what the claim read, by {@link #endSql}'s index (success, failure, none, alone). */
  private String knownEndSql(int index, int partitions) {
    boolean ok = index == 0 || index == ALONE;
    return knownEndSql.computeIfAbsent(index * 1000 + partitions, k -> requireNonNull(sliceEnd).knownSql(
        knownEndUpdate, partitions, index != 2, ok, partitionUpdate(ok), index == ALONE));
  }

  /**
   * Binds the partitions' rows of {@link StoreSliceEnd#knownSql} from parameter {@code first} on:
   * target, key, status, and for a success the time, logic version, rows and share of the duration.
   */
  private void bindPartitions(PreparedStatement ps, int first, String[] run, List<String> keys, SliceOutcome o)
      throws SQLException {
    boolean ok = o.status() == SliceStatus.SUCCEEDED;
    long share = durationShare(o, keys.size());
    int i = first;
    for (String key : keys) {
      ps.setString(i++, run[0]);
      ps.setString(i++, key);
      ps.setString(i++, o.status().name());
      if (ok) {
        dialect.bindStoredInstant(ps, i++, o.finishedAt());
        ps.setString(i++, run[1]);
        ps.setLong(i++, keys.size() == 1 ? o.rows() : -1);
        ps.setLong(i++, share);
      }
    }
  }

  /** A partition's share of its slice's duration in milliseconds, the slice's split evenly. */
  private static long durationShare(SliceOutcome o, int partitions) {
    return partitions == 0 ? 0 : Duration.between(o.startedAt(), o.finishedAt()).toMillis() / partitions;
  }

  /** A run's target and logic version ({@code [target, logicVersion]}), read once per run and kept. */
  private String[] runTarget(Connection c, String runId) throws SQLException {
    String[] run = runTargets.get(runId);
    if (run != null) {
      return run;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT target, logic_version FROM " + t.runs + " WHERE run_id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw unknownRun(runId);
        }
        return keepRunTarget(runId, rs.getString(1), rs.getString(2));
      }
    }
  }

  /** Keeps a run's target and logic version, which never change after the run was created. */
  private String[] keepRunTarget(String runId, String target, String logicVersion) {
    if (runTargets.size() > 256) {
      runTargets.clear();
    }
    String[] run = {target, logicVersion};
    runTargets.put(runId, run);
    return run;
  }

  /** Records the slice's partitions' states; {@code known} are its partition keys when the caller read them. */
  private void recordPartitions(Connection c, SliceLease lease, SliceOutcome o, @Nullable List<String> known)
      throws SQLException {
    String target;
    String logicVersion;
    List<String> keys;
    String[] run = runTargets.get(lease.runId());
    // the keys come back from the slice's update, or were read by this process's claim
    @Nullable List<String> given = known != null || claims == null ? known
        : claims.takeClaimed(lease).map(k -> strings(k.partitionKeys())).orElse(null);
    if (given != null && run != null) {
      target = run[0];
      logicVersion = run[1];
      keys = given;
    } else {
      try (PreparedStatement ps = c.prepareStatement("SELECT r.target, r.logic_version, s.partition_keys FROM " + t.runs
          + " r JOIN " + t.slices + " s ON s.run_id = r.run_id WHERE s.run_id = ? AND s.slice_index = ?")) {
        ps.setString(1, lease.runId());
        ps.setInt(2, lease.index());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw unknownRun(lease.runId());
          }
          target = rs.getString(1);
          logicVersion = rs.getString(2);
          keys = strings(text(rs, "partition_keys"));
        }
      }
      keepRunTarget(lease.runId(), target, logicVersion);
    }
    boolean ok = o.status() == SliceStatus.SUCCEEDED;
    List<String> update = partitionUpdate(ok);
    long share = durationShare(o, keys.size());
    try (PreparedStatement ps = c.prepareStatement(dialect.upsertSql(t.partitions, PARTITION_COLUMNS, PARTITION_KEY,
        update))) {
      for (String key : keys) {
        ps.setString(1, target);
        ps.setString(2, key);
        ps.setString(3, o.status().name());
        ps.setString(4, lease.runId());
        dialect.bindStoredInstant(ps, 5, ok ? o.finishedAt() : null);
        setText(ps, 6, ok ? logicVersion : null);
        ps.setLong(7, ok && keys.size() == 1 ? o.rows() : -1);
        ps.setLong(8, ok ? share : -1);
        ps.setBoolean(9, false);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** The partition state columns a slice's end updates: all of them on success, else status and run. */
  private static List<String> partitionUpdate(boolean ok) {
    return ok ? PARTITION_VALUES : List.of("last_status", "last_run_id");
  }

  private boolean sharesDataSource(ResourceProvider provider) {
    return provider.resource(DataSource.class).filter(ds -> ds == dataSource).isPresent();
  }

  private LeaseLostException leaseLost(Connection c, SliceLease lease) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT slice_key, status, version, worker FROM " + t.slices
        + " WHERE run_id = ? AND slice_index = ?")) {
      ps.setString(1, lease.runId());
      ps.setInt(2, lease.index());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new UnknownRunException("unknown slice " + lease.index() + " of run '" + lease.runId()
              + "'; no such slice in this state store");
        }
        String worker = rs.getString("worker");
        return new LeaseLostException("lease on slice " + rs.getString("slice_key") + " of run " + lease.runId()
            + " is lost: worker " + lease.workerId() + " presented token " + lease.version() + ", the slice is "
            + rs.getString("status") + " with token " + rs.getLong("version")
            + (worker == null ? "" : " held by " + worker));
      }
    }
  }

  @Override
  public int reopen(String runId) {
    int reopened = tx.run("reopen run " + runId, c -> {
      // version first: MariaDB evaluates SET assignments left to right on the new values.
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.slices + " SET version = CASE WHEN status = 'RUNNING'"
          + " THEN version + 1 ELSE version END, status = 'PENDING', lease_until = NULL"
          + " WHERE run_id = ? AND status <> 'SUCCEEDED'")) {
        ps.setString(1, runId);
        int n = ps.executeUpdate();
        if (n == 0) {
          requireRun(c, runId);
        }
        return n;
      }
    });
    if (claims != null) {
      claims.forget(runId); // after the commit: a claim meanwhile may have moved on past the reopened slices
    }
    return reopened;
  }

  @Override
  public int markPending(String runId, SliceStatus status, String message) {
    return tx.run("mark the pending slices of run " + runId, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.slices + " SET status = ?, error = ?,"
          + " lease_until = NULL WHERE run_id = ? AND status = 'PENDING'")) {
        ps.setString(1, status.name());
        setText(ps, 2, message);
        ps.setString(3, runId);
        int n = ps.executeUpdate();
        if (n == 0) {
          requireRun(c, runId);
        }
        return n;
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Partition states

  @Override
  public void forEachPartitionState(String target, Consumer<PartitionState> action) {
    tx.run("read the partition states of " + target, c -> {
      dialect.beginStreaming(c);
      try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + t.partitions + " WHERE target = ?")) {
        dialect.streamResults(ps, BATCH);
        ps.setString(1, target);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long rows = rs.getLong("row_count");
            long duration = rs.getLong("duration_ms");
            action.accept(new PartitionState(rs.getString("target"), rs.getString("partition_key"),
                SliceStatus.valueOf(rs.getString("last_status")), rs.getString("last_run_id"),
                dialect.readStoredInstant(rs, "succeeded_at"), rs.getString("logic_version"), rows, duration,
                rs.getBoolean("invalidated")));
          }
        }
      }
      return null;
    });
  }

  @Override
  public void invalidate(String target, Collection<PartitionKey> keys, String runIdForNewStates) {
    tx.run("invalidate " + keys.size() + " partition(s) of " + target, c -> {
      try (PreparedStatement ps = c.prepareStatement(dialect.upsertSql(t.partitions, PARTITION_COLUMNS, PARTITION_KEY,
          List.of("invalidated")))) {
        int pending = 0;
        for (PartitionKey key : keys) {
          ps.setString(1, target);
          ps.setString(2, key.value());
          ps.setString(3, SliceStatus.PENDING.name());
          ps.setString(4, runIdForNewStates);
          dialect.bindStoredInstant(ps, 5, null);
          ps.setNull(6, Types.VARCHAR);
          ps.setLong(7, -1);
          ps.setLong(8, -1);
          ps.setBoolean(9, true);
          ps.addBatch();
          if (++pending == BATCH) {
            ps.executeBatch();
            pending = 0;
          }
        }
        if (pending > 0) {
          ps.executeBatch();
        }
      }
      return null;
    });
  }

  private boolean alreadyRecorded(Connection c, SliceLease lease, SliceStatus status) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT status, version FROM " + t.slices
        + " WHERE run_id = ? AND slice_index = ?")) {
      ps.setString(1, lease.runId());
      ps.setInt(2, lease.index());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && status.name().equals(rs.getString(1)) && rs.getLong(2) == lease.version();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // One writer per target; the run's end inside the destination's transaction

  @Override
  public TargetLease acquireTarget(String target, String runId, String workerId, Duration leaseTime) {
    StoreLimits.check("target", target, 255);
    StoreLimits.check("worker id", workerId, 255);
    for (int attempt = 1; ; attempt++) {
      try {
        return tx.run("hold target " + target + " for run " + runId,
            c -> targets.acquire(c, target, runId, workerId, leaseTime));
      } catch (BackfillException e) {
        // two processes inserted the first lease of a target at once: the loser reads the winner's
        if (attempt >= 3 || !(e.getCause() instanceof SQLException sql && dialect.isUniqueViolation(sql))) {
          throw e;
        }
      }
    }
  }

  @Override
  public boolean renewTarget(String target, String runId, Duration leaseTime) {
    return tx.run("renew run " + runId + "'s hold on " + target, c -> targets.renew(c, target, runId, leaseTime));
  }

  @Override
  public void releaseTarget(String target, String runId) {
    tx.run("release run " + runId + "'s hold on " + target, c -> {
      targets.release(c, target, runId);
      return null;
    });
  }

  @Override
  public Optional<TargetLease> targetLease(String target) {
    return tx.run("read who holds " + target, c -> targets.read(c, target, false));
  }

  @Override
  public boolean updateRunWithin(String runId, RunStatus status, Instant finishedAt, String message,
      ResourceProvider transaction) {
    Optional<Connection> joined = sharesDataSource(transaction) ? transaction.resource(Connection.class) : Optional.empty();
    if (joined.isEmpty()) {
      return false;
    }
    tx.join("record the " + status + " of run " + runId, joined.get(), c -> {
      updateRunOn(c, runId, status, finishedAt, message);
      return null;
    });
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // Guarantee and time

  @Override
  public Guarantee guaranteeWith(ResourceProvider destination) {
    return sharesDataSource(destination) ? Guarantee.EXACTLY_ONCE : Guarantee.AT_LEAST_ONCE;
  }

  @Override
  public Instant now() {
    return tx.single("read the database time", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + dialect.now() + " AS db_now");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        return requireNonNull(dialect.readStoredInstant(rs, "db_now"));
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Operator's view (issue 15), in StoreHistory

  @Override
  public List<RunRecord> runs(RunFilter filter) {
    return history.runs(filter);
  }

  @Override
  public void recordRunInfo(String runId, String json) {
    history.recordInfo(runId, json);
  }

  @Override
  public Optional<String> runInfo(String runId) {
    return history.info(runId);
  }

  @Override
  public void heartbeat(String runId, String workerId, Duration leaseTime) {
    history.heartbeat(runId, leaseTime);
  }

  @Override
  public Optional<Instant> aliveUntil(String runId) {
    return history.aliveUntil(runId);
  }

  @Override
  public boolean requestCancel(String runId, CancelMode mode, String requestedBy) {
    return history.requestCancel(runId, mode, requestedBy);
  }

  @Override
  public Optional<CancelRequest> cancelRequest(String runId) {
    return history.cancelRequest(runId);
  }

  @Override
  public void clearCancelRequest(String runId) {
    history.clearCancel(runId);
  }

  @Override
  public String toString() {
    return description;
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private boolean runExists(Connection c, String runId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + t.runs + " WHERE run_id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private void requireRun(Connection c, String runId) throws SQLException {
    if (!runExists(c, runId)) {
      throw unknownRun(runId);
    }
  }

  private static UnknownRunException unknownRun(String runId) {
    return new UnknownRunException("unknown run id '" + runId + "'; no such run in this state store");
  }

  private @Nullable String text(ResultSet rs, String column) throws SQLException {
    return dialect.readText(rs, column);
  }

  private static String orEmpty(@Nullable String text) {
    return text == null ? "" : text;
  }

  private static void setText(PreparedStatement ps, int index, @Nullable String value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.VARCHAR);
    } else {
      ps.setString(index, value);
    }
  }

  private static String json(List<String> values) {
    if (values.isEmpty()) {
      return "[]"; // most slices' checks
    }
    try {
      return JSON.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + values + " as JSON", e);
    }
  }

  private static List<String> strings(@Nullable String json) {
    if (json == null || json.isEmpty()) {
      return List.of();
    }
    try {
      return JSON.readValue(json, STRINGS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("state store holds malformed JSON: " + json, e);
    }
  }

  // ---- Batch claims (issue 17): one round trip feeds every idle worker thread of a process ------

  /**
   * Claims up to {@code max} slices at once: on engines with {@code SKIP LOCKED} in one statement
   * ({@code UPDATE ... RETURNING}) or one transaction, however many slices (see {@link StoreClaims});
   * elsewhere one claim after another.
   */
  @Override
  public List<SliceLease> claim(String runId, String workerId, Duration leaseTime, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, got " + max);
    }
    requireNonNull(workerId, "workerId");
    if (claims == null) {
      return StateStore.super.claim(runId, workerId, leaseTime, max);
    }
    return claims.claim(runId, workerId, leaseTime, max);
  }
}
