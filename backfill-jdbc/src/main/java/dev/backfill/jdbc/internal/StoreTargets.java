package dev.backfill.jdbc.internal;

import static java.util.Objects.requireNonNull;

import dev.backfill.RunStatus;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.spi.TargetLease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The state store's target leases: which run writes a target, one at a time across processes. A row
 * per target; acquiring takes the row's lock ({@code SELECT ... FOR UPDATE}) or inserts it, so two
 * processes asking at once are serialised by the database. Lease ends are computed by the database.
 */
public final class StoreTargets {
  private final Dialect dialect;
  private final StoreTables t;

  /**
   * Creates the helper.
   *
   * @param dialect the engine
   * @param tables the store's tables
   */
  public StoreTargets(Dialect dialect, StoreTables tables) {
    this.dialect = dialect;
    this.t = tables;
  }

  /**
   * Acquires a target for a run inside the caller's transaction.
   *
   * @param c the transaction's connection
   * @param target target
   * @param runId run asking
   * @param workerId worker asking
   * @param leaseTime lease length
   * @return the lease holding the target afterwards
   * @throws SQLException on failure (a concurrent first insert shows as a unique violation; retry)
   */
  public TargetLease acquire(Connection c, String target, String runId, String workerId, Duration leaseTime)
      throws SQLException {
    Optional<TargetLease> held = read(c, target, true);
    if (held.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t.targets + " (target, run_id, worker, since,"
          + " lease_until) VALUES (?, ?, ?, " + dialect.now() + ", " + dialect.nowPlusMillis() + ")")) {
        ps.setString(1, target);
        ps.setString(2, runId);
        ps.setString(3, workerId);
        ps.setLong(4, leaseTime.toMillis());
        ps.executeUpdate();
      }
      return requireNonNull(read(c, target, false).orElse(null));
    }
    TargetLease lease = held.get();
    if (!lease.heldBy(runId) && !ended(c, lease)) {
      return lease;
    }
    String since = lease.heldBy(runId) ? "since" : dialect.now();
    try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.targets + " SET run_id = ?, worker = ?, since = "
        + since + ", lease_until = " + dialect.nowPlusMillis() + " WHERE target = ?")) {
      ps.setString(1, runId);
      ps.setString(2, workerId);
      ps.setLong(3, leaseTime.toMillis());
      ps.setString(4, target);
      ps.executeUpdate();
    }
    return requireNonNull(read(c, target, false).orElse(null));
  }

  /**
   * A holder whose run has a final status lets the target go; so does one whose run does not exist once
   * its lease expired. A holder takes the target before it creates its run, so a live lease without a
   * run is a run being created right now (by another process, whose insert this transaction cannot see
   * yet), and it keeps the target.
   */
  private boolean ended(Connection c, TargetLease lease) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT status FROM " + t.runs + " WHERE run_id = ?")) {
      ps.setString(1, lease.runId());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return RunStatus.valueOf(rs.getString(1)).isFinal();
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + t.targets + " WHERE target = ? AND lease_until > "
        + dialect.now())) {
      ps.setString(1, lease.target());
      try (ResultSet rs = ps.executeQuery()) {
        return !rs.next();
      }
    }
  }

  /**
   * Renews a run's hold.
   *
   * @param c connection
   * @param target target
   * @param runId holding run
   * @param leaseTime new lease length
   * @return false when the run does not hold the target
   * @throws SQLException on failure
   */
  public boolean renew(Connection c, String target, String runId, Duration leaseTime) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.targets + " SET lease_until = "
        + dialect.nowPlusMillis() + " WHERE target = ? AND run_id = ?")) {
      ps.setLong(1, leaseTime.toMillis());
      ps.setString(2, target);
      ps.setString(3, runId);
      return ps.executeUpdate() == 1;
    }
  }

  /**
   * Releases a run's hold.
   *
   * @param c connection
   * @param target target
   * @param runId holding run
   * @throws SQLException on failure
   */
  public void release(Connection c, String target, String runId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t.targets + " WHERE target = ? AND run_id = ?")) {
      ps.setString(1, target);
      ps.setString(2, runId);
      ps.executeUpdate();
    }
  }

  /**
   * Reads who holds a target.
   *
   * @param c connection
   * @param target target
   * @param lock lock the row for the transaction
   * @return the lease, empty when nobody holds the target
   * @throws SQLException on failure
   */
  public Optional<TargetLease> read(Connection c, String target, boolean lock) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT target, run_id, worker, since, lease_until FROM " + t.targets
        + " WHERE target = ?" + (lock ? " FOR UPDATE" : ""))) {
      ps.setString(1, target);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new TargetLease(rs.getString("target"), rs.getString("run_id"), rs.getString("worker"),
            requireNonNull(dialect.readStoredInstant(rs, "since")),
            requireNonNull(dialect.readStoredInstant(rs, "lease_until"))));
      }
    }
  }

  /**
   * A condition to append to a statement on the slices table ({@code AND NOT EXISTS ...}) that holds
   * unless another run holds the target of the run: binds the run id twice.
   *
   * @return the condition, starting with {@code AND}
   */
  public String noOtherHolderCondition() {
    return " AND NOT EXISTS (SELECT 1 FROM " + t.targets + " h JOIN " + t.runs + " r ON r.target = h.target"
        + " WHERE r.run_id = ? AND h.run_id <> ?)";
  }

  /**
   * Like {@link #noOtherHolderCondition()} for a caller that knows the run's target: parameters target,
   * run id. One key lookup, without the join to the run.
   *
   * @return the SQL, starting with {@code AND}
   */
  public String noOtherHolderOfTargetCondition() {
    return " AND NOT EXISTS (SELECT 1 FROM " + t.targets + " h WHERE h.target = ? AND h.run_id <> ?)";
  }

  /**
   * Returns the run holding the target of a run's slice (target fencing at commit).
   *
   * @param c connection, in the commit's transaction
   * @param runId the committing run
   * @return the holder's run id, or null when nobody holds the target
   * @throws SQLException on failure
   */
  public @Nullable String holderOfTargetOf(Connection c, String runId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT h.run_id FROM " + t.targets + " h JOIN " + t.runs
        + " r ON r.target = h.target WHERE r.run_id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }
}
