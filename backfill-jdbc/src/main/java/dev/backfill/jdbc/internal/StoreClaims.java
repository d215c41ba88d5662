package dev.backfill.jdbc.internal;

import static java.util.Objects.requireNonNull;

import dev.backfill.UnknownRunException;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.spi.SliceLease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state store's claims and lease renewals on engines with {@code SKIP LOCKED}, in as few round
 * trips as the engine allows (issue 17). With {@code UPDATE ... RETURNING} (PostgreSQL) a claim of
 * any number of slices is one auto-committed statement, which locks the candidates with
 * {@code FOR UPDATE SKIP LOCKED} in its subqueries and returns the new leases, and a renewal is one
 * statement too. Elsewhere a claim is one READ COMMITTED transaction (locking selects that also read
 * what the leases need, one update) and a renewal one conditional update and one read, in auto-commit. Expired
 * leases are taken before PENDING slices, each in slice order.
 */
public final class StoreClaims {
  private static final String TAKE = "status = 'RUNNING', attempt = attempt + 1, version = version + 1, worker = ?,"
      + " lease_until = %s, started_at = %s, finished_at = NULL, row_count = 0, checks = NULL, log_excerpt = NULL";

  /** Most partition keys remembered from claims whose slices have not ended. */
  private static final int MAX_REMEMBERED = 4096;

  private final Dialect dialect;
  private final StoreTables t;
  private final StoreTx tx;
  /** Partition keys (stored JSON) read by this process's locking claims, by lease, until the slice ends. */
  private final Map<String, String> claimedKeys = new ConcurrentHashMap<>();

  /**
   * Creates the claims of one store.
   *
   * @param dialect the engine (with {@code SKIP LOCKED})
   * @param tables the store's tables
   * @param tx the store's transactions
   */
  public StoreClaims(Dialect dialect, StoreTables tables, StoreTx tx) {
    this.dialect = dialect;
    this.t = tables;
    this.tx = tx;
  }

  /**
   * Claims up to {@code max} slices: expired leases first, then PENDING slices.
   *
   * @param runId the run
   * @param workerId the claiming worker
   * @param leaseTime lease length, added to the database's time
   * @param max most slices to claim
   * @return the leases, fewer than {@code max} (or none) when fewer are claimable
   * @throws UnknownRunException when the run does not exist
   */
  public List<SliceLease> claim(String runId, String workerId, Duration leaseTime, int max) {
    String what = "claim up to " + max + " slice(s) of run " + runId;
    List<SliceLease> leases = dialect.supportsUpdateReturning()
        ? tx.single(what, c -> claimReturning(c, runId, workerId, leaseTime.toMillis(), max))
        : tx.run(what, c -> claimLocking(c, runId, workerId, leaseTime.toMillis(), max));
    if (leases.isEmpty()) {
      tx.single("read run " + runId, c -> {
        requireRun(c, runId);
        return null;
      });
    }
    return leases;
  }

  /**
   * Returns the one statement that claims up to {@code max} slices where the engine has
   * {@code UPDATE ... RETURNING}: parameters run id, run id, worker, lease millis, run id; it returns
   * each new lease and {@code k}, 0 for an expired lease taken over and 1 for a PENDING slice. The
   * locked candidates are updated by their row address where the engine has one: joined by key,
   * PostgreSQL without statistics on the slices table (a fresh run) walks every slice of the run for
   * each claim.
   *
   * @param max most slices to claim
   * @return the SQL
   */
  public String claimReturningSql(int max) {
    Optional<String> address = dialect.rowAddress();
    String located = address.map(a -> a + " AS address, ").orElse("");
    String candidates = "SELECT " + located + "slice_index, %d AS k FROM " + t.slices + " WHERE run_id = ? AND %s"
        + " ORDER BY slice_index LIMIT " + max + " FOR UPDATE SKIP LOCKED";
    return "WITH expired AS (" + String.format(candidates, 0, "status = 'RUNNING' AND lease_until <= "
        + dialect.now()) + "), pending AS (" + String.format(candidates, 1, "status = 'PENDING'") + "),"
        + " picked AS (SELECT * FROM (SELECT * FROM expired UNION ALL SELECT * FROM pending) u"
        + " ORDER BY k, slice_index LIMIT " + max + ")"
        + " UPDATE " + t.slices + " s SET " + String.format(TAKE, dialect.nowPlusMillis(), dialect.now())
        + " FROM picked WHERE " + address.map(a -> "s." + a + " = picked.address AND ").orElse("")
        + "s.run_id = ? AND s.slice_index = picked.slice_index"
        + " RETURNING s.slice_index, s.attempt, s.version, s.lease_until, picked.k";
  }

  private List<SliceLease> claimReturning(Connection c, String runId, String workerId, long millis, int max)
      throws SQLException {
    String sql = claimReturningSql(max);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, runId);
      ps.setString(2, runId);
      ps.setString(3, workerId);
      ps.setLong(4, millis);
      ps.setString(5, runId);
      // RETURNING keeps no order: expired leases first, each kind in slice order
      List<long[]> order = new ArrayList<>();
      Map<Integer, SliceLease> leases = new HashMap<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          SliceLease l = lease(rs, runId, workerId);
          leases.put(l.index(), l);
          order.add(new long[] {rs.getInt("k"), l.index()});
        }
      }
      order.sort(Comparator.<long[]>comparingLong(o -> o[0]).thenComparingLong(o -> o[1]));
      return order.stream().map(o -> leases.get((int) o[1])).toList();
    }
  }

  /**
   * A claim in one READ COMMITTED transaction where {@code UPDATE} returns nothing: the locking selects
   * read what the leases need (attempt, version, the database's now, the partition keys), so the update
   * sets the lease's end from that now and nothing is read back.
   */
  private List<SliceLease> claimLocking(Connection c, String runId, String workerId, long millis, int max)
      throws SQLException {
    List<Candidate> picked = lockCandidates(c, runId, "status = 'RUNNING' AND lease_until <= " + dialect.now(), max);
    if (picked.size() < max) {
      picked.addAll(lockCandidates(c, runId, "status = 'PENDING'", max - picked.size()));
    }
    if (picked.isEmpty()) {
      return List.of();
    }
    Instant now = picked.stream().map(Candidate::now).max(Instant::compareTo).orElseThrow();
    Instant until = now.plusMillis(millis);
    String in = " AND slice_index IN (" + String.join(", ", Collections.nCopies(picked.size(), "?")) + ")";
    try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.slices + " SET " + String.format(TAKE, "?", "?")
        + " WHERE run_id = ?" + in)) {
      int i = 1;
      ps.setString(i++, workerId);
      dialect.bindStoredInstant(ps, i++, until);
      dialect.bindStoredInstant(ps, i++, now);
      ps.setString(i++, runId);
      for (Candidate p : picked) {
        ps.setInt(i++, p.index());
      }
      ps.executeUpdate();
    }
    List<SliceLease> leases = new ArrayList<>();
    for (Candidate p : picked) {
      // as stored: the column keeps microseconds
      SliceLease lease = new SliceLease(runId, p.index(), workerId, p.attempt() + 1, p.version() + 1,
          until.truncatedTo(ChronoUnit.MICROS));
      remember(lease, p.partitionKeys());
      leases.add(lease);
    }
    return leases;
  }

  /** A slice locked for a claim, as it was before the claim, and the database's now when it was read. */
  private record Candidate(int index, int attempt, long version, String partitionKeys, Instant now) {}

  private List<Candidate> lockCandidates(Connection c, String runId, String condition, int limit) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT slice_index, attempt, version, partition_keys, "
        + dialect.now() + " AS db_now FROM " + t.slices + " WHERE run_id = ? AND " + condition
        + " ORDER BY slice_index LIMIT " + limit + " FOR UPDATE SKIP LOCKED")) {
      ps.setString(1, runId);
      List<Candidate> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Candidate(rs.getInt("slice_index"), rs.getInt("attempt"), rs.getLong("version"),
              rs.getString("partition_keys"), requireNonNull(dialect.readStoredInstant(rs, "db_now"))));
        }
      }
      return out;
    }
  }

  private static String leaseKey(SliceLease lease) {
    return lease.runId() + '\u0000' + lease.index() + '\u0000' + lease.version();
  }

  private void remember(SliceLease lease, String partitionKeys) {
    if (claimedKeys.size() >= MAX_REMEMBERED) {
      claimedKeys.clear(); // leases lost or never ended; their slices read their keys again
    }
    claimedKeys.put(leaseKey(lease), partitionKeys);
  }

  /**
   * Takes the partition keys (stored JSON) this process read when it claimed a lease, so the slice's end
   * need not read them again; empty when the claim returned them some other way or they were dropped.
   *
   * @param lease the lease being ended
   * @return the stored partition keys JSON
   */
  public Optional<String> takePartitionKeys(SliceLease lease) {
    return Optional.ofNullable(claimedKeys.remove(leaseKey(lease)));
  }

  /**
   * Extends a lease that the worker still holds (same version, still RUNNING) by {@code leaseTime}
   * from the database's now, in auto-commit: one statement with {@code RETURNING}, else a conditional
   * update and a read of the new lease end under the same version.
   *
   * @param lease the lease
   * @param leaseTime the new length
   * @return the renewed lease, or empty when it was lost
   */
  public Optional<SliceLease> renew(SliceLease lease, Duration leaseTime) {
    String update = "UPDATE " + t.slices + " SET lease_until = " + dialect.nowPlusMillis()
        + " WHERE run_id = ? AND slice_index = ? AND version = ? AND status = 'RUNNING'";
    boolean returning = dialect.supportsUpdateReturning();
    return tx.single("renew the lease on slice " + lease.index() + " of run " + lease.runId(), c -> {
      try (PreparedStatement ps = c.prepareStatement(update + (returning ? " RETURNING lease_until" : ""))) {
        ps.setLong(1, leaseTime.toMillis());
        ps.setString(2, lease.runId());
        ps.setInt(3, lease.index());
        ps.setLong(4, lease.version());
        if (returning) {
          try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(renewed(lease, rs)) : Optional.<SliceLease>empty();
          }
        }
        if (ps.executeUpdate() == 0) {
          return Optional.<SliceLease>empty();
        }
      }
      // the version cannot come back, so a row at it is this renewal's (a row that moved on is a lost lease)
      try (PreparedStatement ps = c.prepareStatement("SELECT lease_until FROM " + t.slices
          + " WHERE run_id = ? AND slice_index = ? AND version = ? AND status = 'RUNNING'")) {
        ps.setString(1, lease.runId());
        ps.setInt(2, lease.index());
        ps.setLong(3, lease.version());
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(renewed(lease, rs)) : Optional.<SliceLease>empty();
        }
      }
    });
  }

  private SliceLease renewed(SliceLease lease, ResultSet rs) throws SQLException {
    return new SliceLease(lease.runId(), lease.index(), lease.workerId(), lease.attempt(), lease.version(),
        requireNonNull(dialect.readStoredInstant(rs, "lease_until")));
  }

  private SliceLease lease(ResultSet rs, String runId, String workerId) throws SQLException {
    return new SliceLease(runId, rs.getInt("slice_index"), workerId, rs.getInt("attempt"), rs.getLong("version"),
        requireNonNull(dialect.readStoredInstant(rs, "lease_until")));
  }

  private void requireRun(Connection c, String runId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + t.runs + " WHERE run_id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new UnknownRunException("unknown run id '" + runId + "'; no such run in this state store");
        }
      }
    }
  }
}
