package dev.backfill.jdbc.internal;

import static java.util.Objects.requireNonNull;

import dev.backfill.CancelMode;
import dev.backfill.Guarantee;
import dev.backfill.RunFilter;
import dev.backfill.RunStatus;
import dev.backfill.UnknownRunException;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.spi.CancelRequest;
import dev.backfill.spi.RunRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The JDBC state store's side of the operator's view (schema version 4): runs across targets, run
 * information, heartbeats, liveness and cancel requests. Values are always bound; the only SQL built
 * from input is the number of status placeholders.
 */
public final class StoreHistory {
  /** Columns of a run row without its (possibly large) plan. */
  private static final String LIST_COLUMNS =
      "run_id, target, status, logic_version, guarantee, slice_count, created_at, finished_at, message";

  private final StoreTables t;
  private final Dialect dialect;
  private final StoreTx tx;

  /**
   * Binds the queries to a store's tables.
   *
   * @param t the tables
   * @param dialect the engine
   * @param tx the store's transactions
   */
  public StoreHistory(StoreTables t, Dialect dialect, StoreTx tx) {
    this.t = t;
    this.dialect = dialect;
    this.tx = tx;
  }

  /**
   * Reads a run row ({@code SELECT *} or the listing columns).
   *
   * @param rs positioned result set
   * @param withPlan whether the row has {@code plan_json}
   * @return the record ("" as plan when without)
   * @throws SQLException on failure
   */
  public RunRecord runRecord(ResultSet rs, boolean withPlan) throws SQLException {
    return new RunRecord(rs.getString("run_id"), rs.getString("target"), RunStatus.valueOf(rs.getString("status")),
        rs.getString("logic_version"), Guarantee.valueOf(rs.getString("guarantee")),
        withPlan ? requireNonNull(dialect.readText(rs, "plan_json")) : "", rs.getInt("slice_count"),
        requireNonNull(dialect.readStoredInstant(rs, "created_at")), dialect.readStoredInstant(rs, "finished_at"),
        requireNonNull(dialect.readText(rs, "message")), withPlan ? orEmpty(dialect.readText(rs, "options_json")) : "");
  }

  /**
   * Lists runs, newest first.
   *
   * @param f the filter
   * @return one page
   */
  public List<RunRecord> runs(RunFilter f) {
    List<String> where = new ArrayList<>();
    if (f.target() != null) {
      where.add("target = ?");
    }
    if (!f.statuses().isEmpty()) {
      where.add("status IN (" + f.statuses().stream().map(s -> "?").collect(Collectors.joining(", ")) + ")");
    }
    if (f.createdSince() != null) {
      where.add("created_at >= ?");
    }
    if (f.createdBefore() != null) {
      where.add("created_at < ?");
    }
    String sql = "SELECT " + LIST_COLUMNS + " FROM " + t.runs + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
        + " ORDER BY created_at DESC, run_id DESC LIMIT ? OFFSET ?";
    return tx.run("list runs", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int i = 1;
        if (f.target() != null) {
          ps.setString(i++, f.target());
        }
        for (RunStatus s : f.statuses().stream().sorted().toList()) {
          ps.setString(i++, s.name());
        }
        if (f.createdSince() != null) {
          dialect.bindStoredInstant(ps, i++, f.createdSince());
        }
        if (f.createdBefore() != null) {
          dialect.bindStoredInstant(ps, i++, f.createdBefore());
        }
        ps.setInt(i++, f.limit());
        ps.setInt(i, f.offset());
        List<RunRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(runRecord(rs, false));
          }
        }
        return out;
      }
    });
  }

  /**
   * Stores a run's start information.
   *
   * @param runId run id
   * @param json the information
   */
  public void recordInfo(String runId, String json) {
    update("record how run " + runId + " started", "UPDATE " + t.runs + " SET info_json = ? WHERE run_id = ?", runId,
        ps -> ps.setString(1, json));
  }

  /**
   * Reads a run's start information.
   *
   * @param runId run id
   * @return the JSON, if recorded
   */
  public Optional<String> info(String runId) {
    return tx.single("read how run " + runId + " started", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT info_json FROM " + t.runs + " WHERE run_id = ?")) {
        ps.setString(1, runId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw unknown(runId);
          }
          return Optional.ofNullable(dialect.readText(rs, "info_json"));
        }
      }
    });
  }

  /**
   * Moves a run's {@code alive_until} to now plus the lease, in database time, never backwards.
   *
   * @param runId run id
   * @param leaseTime how long from now
   */
  public void heartbeat(String runId, Duration leaseTime) {
    String until = dialect.nowPlusMillis();
    update("heartbeat run " + runId, "UPDATE " + t.runs + " SET alive_until = " + until
        + " WHERE run_id = ? AND (alive_until IS NULL OR alive_until < " + until + ")", runId, ps -> {
          ps.setLong(1, leaseTime.toMillis());
          ps.setLong(3, leaseTime.toMillis());
        }, 2);
  }

  /**
   * Returns the later of the run's heartbeat and its RUNNING slices' leases.
   *
   * @param runId run id
   * @return the instant, if any
   */
  public Optional<Instant> aliveUntil(String runId) {
    return tx.single("read the liveness of run " + runId, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT r.alive_until, (SELECT MAX(s.lease_until) FROM " + t.slices
          + " s WHERE s.run_id = r.run_id AND s.status = 'RUNNING') AS lease_until FROM " + t.runs
          + " r WHERE r.run_id = ?")) {
        ps.setString(1, runId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw unknown(runId);
          }
          Instant beat = dialect.readStoredInstant(rs, "alive_until");
          Instant lease = dialect.readStoredInstant(rs, "lease_until");
          return Optional.ofNullable(beat == null ? lease : lease == null || beat.isAfter(lease) ? beat : lease);
        }
      }
    });
  }

  /**
   * Records a cancel request on a RUNNING or FINISHING run (IMMEDIATE replaces GRACEFUL).
   *
   * @param runId run id
   * @param mode mode
   * @param by who asks
   * @return true when the run can be cancelled
   */
  public boolean requestCancel(String runId, CancelMode mode, String by) {
    return tx.single("request to cancel run " + runId, c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.runs + " SET cancel_mode = ?, cancel_requested_at = "
          + dialect.now() + ", cancel_requested_by = ? WHERE run_id = ? AND status IN ('RUNNING', 'FINISHING')"
          + " AND (cancel_mode IS NULL OR (cancel_mode = 'GRACEFUL' AND ? = 'IMMEDIATE'))")) {
        ps.setString(1, mode.name());
        ps.setString(2, by.length() > 255 ? by.substring(0, 255) : by);
        ps.setString(3, runId);
        ps.setString(4, mode.name());
        if (ps.executeUpdate() == 1) {
          return true;
        }
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT status FROM " + t.runs + " WHERE run_id = ?")) {
        ps.setString(1, runId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw unknown(runId);
          }
          String status = rs.getString(1);
          return status.equals("RUNNING") || status.equals("FINISHING");   // an equal or stronger request stands
        }
      }
    });
  }

  /**
   * Reads a run's cancel request.
   *
   * @param runId run id
   * @return the request, if any
   */
  public Optional<CancelRequest> cancelRequest(String runId) {
    return tx.single("read the cancel request of run " + runId, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT cancel_mode, cancel_requested_at, cancel_requested_by FROM "
          + t.runs + " WHERE run_id = ?")) {
        ps.setString(1, runId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw unknown(runId);
          }
          String mode = rs.getString("cancel_mode");
          Instant at = dialect.readStoredInstant(rs, "cancel_requested_at");
          return mode == null || at == null ? Optional.<CancelRequest>empty()
              : Optional.of(new CancelRequest(CancelMode.valueOf(mode), at, String.valueOf(rs.getString("cancel_requested_by"))));
        }
      }
    });
  }

  /**
   * Forgets a run's cancel request.
   *
   * @param runId run id
   */
  public void clearCancel(String runId) {
    update("clear the cancel request of run " + runId, "UPDATE " + t.runs + " SET cancel_mode = NULL,"
        + " cancel_requested_at = NULL, cancel_requested_by = NULL WHERE run_id = ?", runId, ps -> { });
  }

  /**
   * Binds the run id last (or at {@code runIdIndex}) and fails for an unknown run: one update in
   * auto-commit, and a read only when it changed nothing.
   */
  private void update(String what, String sql, String runId, Binder binder) {
    int params = (int) sql.chars().filter(ch -> ch == '?').count();
    update(what, sql, runId, binder, params);
  }

  private void update(String what, String sql, String runId, Binder binder, int runIdIndex) {
    tx.single(what, c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        binder.bind(ps);
        ps.setString(runIdIndex, runId);
        if (ps.executeUpdate() == 0) {
          try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM " + t.runs + " WHERE run_id = ?")) {
            exists.setString(1, runId);
            try (ResultSet rs = exists.executeQuery()) {
              if (!rs.next()) {
                throw unknown(runId);
              }
            }
          }
        }
      }
      return null;
    });
  }

  /** Sets the statement's other parameters. */
  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private static UnknownRunException unknown(String runId) {
    return new UnknownRunException("unknown run id '" + runId + "'; no such run in this state store");
  }

  private static String orEmpty(@org.jspecify.annotations.Nullable String text) {
    return text == null ? "" : text;
  }
}
