package dev.backfill.jdbc.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backfill.UnknownRunException;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.spi.SliceLease;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The state store's claims and lease renewals on engines with {@code SKIP LOCKED}, in as few round
 * trips as the engine allows (issue 17). With {@code UPDATE ... RETURNING} (PostgreSQL) a claim of
 * any number of slices is one auto-committed statement, which locks the candidates with
 * {@code FOR UPDATE SKIP LOCKED} in its subqueries and returns the new leases, and a renewal is one
 * statement too. Elsewhere a claim is one READ COMMITTED transaction (locking selects that also read
 * what the leases need, one update) and a renewal one conditional update and one read, in auto-commit. Expired
 * leases are taken before PENDING slices, each in slice order.
 *
 * <p>A claim's cost does not grow with the slices already done: every status change leaves index
 * entries behind that only a vacuum removes, and a scan of a run's PENDING or RUNNING slices from the
 * start walked all of them. So claims look for PENDING slices from the lowest index this process last
 * found PENDING, and for expired leases (which cannot appear sooner than a lease time after a claim)
 * only on a run's first claim here, at least every quarter of the shortest lease time this process
 * claimed the run's slices with, and whenever too few
 * PENDING slices were found; a claim that comes back short looks at the whole run, so it finds
 * nothing only when nothing is claimable.
 */
public final class StoreClaims {
  private static final String TAKE = "status = 'RUNNING', attempt = attempt + 1, version = version + 1, worker = %s,"
      + " lease_until = %s, started_at = %s, finished_at = NULL, row_count = 0, checks = NULL, log_excerpt = NULL";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Longest partition keys (stored JSON, in characters) a MariaDB claim hands back for the slice's end:
   * longer ones would not fit its in-memory temporary table, and their slice's end reads them itself.
   */
  private static final int SHORT_KEYS = 500;

  /** Most partition keys remembered from claims whose slices have not ended. */
  private static final int MAX_REMEMBERED = 4096;

  private final Dialect dialect;
  private final StoreTables t;
  private final boolean rememberKeys;
  private final boolean compound;
  private final StoreTx tx;
  /** Slice and partition keys read by this process's claims, by lease, until the slice ends. */
  private final Map<String, ClaimedSlice> claimedKeys = new ConcurrentHashMap<>();
  /** By run: the lowest slice index this process last found PENDING; claims look from there on. */
  private final Map<String, Integer> pendingFrom = new ConcurrentHashMap<>();
  /** By run: when this process last looked for expired leases ({@link System#nanoTime()}). */
  private final Map<String, Long> expiredCheckedAt = new ConcurrentHashMap<>();
  /** By run: the shortest lease this process claimed with, in nanoseconds. */
  private final Map<String, Long> shortestLease = new ConcurrentHashMap<>();
  /** Claim statements by most slices claimed, negative when expired leases are taken too. */
  private final Map<Integer, String> claimSql = new ConcurrentHashMap<>();
  /** Compound claim statements, the same way. */
  private final Map<Integer, String> compoundSql = new ConcurrentHashMap<>();

  /**
   * Creates the claims of one store.
   *
   * @param dialect the engine (with {@code SKIP LOCKED})
   * @param tables the store's tables
   * @param tx the store's transactions
   * @param rememberKeys whether a slice's end asks for the keys its claim read ({@link #takeClaimed});
   *     not when the end reads them in its own statement
   * @param compound whether a claim is one compound statement ({@link #claimCompoundSql}), where the
   *     server runs them and the engine has no {@code UPDATE ... RETURNING}
   */
  public StoreClaims(Dialect dialect, StoreTables tables, StoreTx tx, boolean rememberKeys, boolean compound) {
    this.dialect = dialect;
    this.t = tables;
    this.tx = tx;
    this.rememberKeys = rememberKeys;
    this.compound = compound && !dialect.supportsUpdateReturning();
  }

  /**
   * Claims up to {@code max} slices: expired leases first, then PENDING slices (see the class comment
   * for when expired leases are looked for).
   *
   * @param runId the run
   * @param workerId the claiming worker
   * @param leaseTime lease length, added to the database's time
   * @param max most slices to claim
   * @return the leases, fewer than {@code max} (or none) when fewer are claimable
   * @throws UnknownRunException when the run does not exist
   */
  public List<SliceLease> claim(String runId, String workerId, Duration leaseTime, int max) {
    long millis = leaseTime.toMillis();
    List<Claimed> claimed = new ArrayList<>();
    boolean expiredDue = expiredDue(runId, leaseTime);
    if (!expiredDue) {
      // PENDING slices from the lowest this process last saw PENDING: every slice below it was taken,
      // and their index entries (dead until a vacuum) need not be walked again by every claim
      claimed.addAll(claimOnce(runId, workerId, millis, max, false, pendingFrom.getOrDefault(runId, 0)));
    }
    if (claimed.size() < max) {
      // short, or time to look for expired leases: the whole run, expired leases first
      claimed.addAll(claimOnce(runId, workerId, millis, max - claimed.size(), true, 0));
      expiredCheckedAt.put(runId, System.nanoTime());
    }
    claimed.stream().filter(l -> !l.expired()).mapToInt(l -> l.lease().index()).min()
        .ifPresent(lowest -> pendingFrom.merge(runId, lowest, Math::max));
    if (pendingFrom.size() > MAX_REMEMBERED || expiredCheckedAt.size() > MAX_REMEMBERED
        || shortestLease.size() > MAX_REMEMBERED) {
      pendingFrom.clear();
      expiredCheckedAt.clear();
      shortestLease.clear();
    }
    if (claimed.isEmpty()) {
      tx.single("read run " + runId, c -> {
        requireRun(c, runId);
        return null;
      });
    }
    // expired leases first, then PENDING slices, each in slice order
    return claimed.stream().sorted(Comparator.comparing((Claimed l) -> !l.expired())
        .thenComparingInt(l -> l.lease().index())).map(Claimed::lease).toList();
  }

  /**
   * Whether this claim looks for expired leases too: the first claim of a run in this process does,
   * then one at least every quarter of the shortest lease time used here (a lease expires no sooner
   * than a lease time after it was taken) and every claim that finds too few PENDING slices.
   */
  private boolean expiredDue(String runId, Duration leaseTime) {
    long shortest = shortestLease.merge(runId, leaseTime.toNanos(), Math::min);
    Long checked = expiredCheckedAt.get(runId);
    return checked == null || System.nanoTime() - checked >= shortest / 4;
  }

  /**
   * Forgets where this process's claims of a run look: after a reopen, slices below the lowest index
   * last found PENDING are PENDING again.
   *
   * @param runId the run
   */
  public void forget(String runId) {
    pendingFrom.remove(runId);
    expiredCheckedAt.remove(runId);
  }

  private List<Claimed> claimOnce(String runId, String workerId, long millis, int max, boolean expired, int from) {
    String what = "claim up to " + max + " slice(s) of run " + runId;
    if (compound) {
      return tx.single(what, c -> claimCompound(c, runId, workerId, millis, max, expired, from));
    }
    return dialect.supportsUpdateReturning()
        ? tx.single(what, c -> claimReturning(c, runId, workerId, millis, max, expired, from))
        : tx.run(what, c -> claimLocking(c, runId, workerId, millis, max, expired, from));
  }

  /** A lease a claim handed out, and whether it took over an expired one. */
  private record Claimed(SliceLease lease, boolean expired) {}

  /**
   * Returns the one statement that claims up to {@code max} slices where the engine has
   * {@code UPDATE ... RETURNING}: parameters (run id when {@code expired}), run id, the lowest PENDING
   * slice index to look at, worker, lease millis, run id; it returns each new lease and {@code k}, 0
   * for an expired lease taken over and 1 for a PENDING slice. The locked candidates are updated by
   * their row address where the engine has one: joined by key, PostgreSQL without statistics on the
   * slices table (a fresh run) walks every slice of the run for each claim.
   *
   * @param max most slices to claim
   * @param expired whether expired leases are taken too (before PENDING slices)
   * @return the SQL
   */
  public String claimReturningSql(int max, boolean expired) {
    return cached(claimSql, max, expired, this::buildClaimReturningSql);
  }

  /**
   * A claim is made for every few slices, so the few statement shapes in use (up to 64 slices, with
   * or without expired leases) are built once per store.
   */
  private static String cached(Map<Integer, String> cache, int max, boolean expired,
      BiFunction<Integer, Boolean, String> build) {
    return max > 64 ? build.apply(max, expired)
        : cache.computeIfAbsent(expired ? -max : max, k -> build.apply(max, expired));
  }

  private String buildClaimReturningSql(int max, boolean expired) {
    Optional<String> address = dialect.rowAddress();
    String located = address.map(a -> a + " AS address, ").orElse("");
    String candidates = "SELECT " + located + "slice_index, %d AS k FROM " + t.slices + " WHERE run_id = ? AND %s"
        + " ORDER BY slice_index LIMIT " + max + " FOR UPDATE SKIP LOCKED";
    String pending = String.format(candidates, 1, "status = 'PENDING' AND slice_index >= ?");
    String picked = expired
        ? "WITH expired AS (" + String.format(candidates, 0, "status = 'RUNNING' AND lease_until <= " + dialect.now())
            + "), pending AS (" + pending + "), picked AS (SELECT * FROM (SELECT * FROM expired UNION ALL"
            + " SELECT * FROM pending) u ORDER BY k, slice_index LIMIT " + max + ")"
        : "WITH picked AS (" + pending + ")";
    return picked + " UPDATE " + t.slices + " s SET " + String.format(TAKE, "?", dialect.nowPlusMillis(), dialect.now())
        + " FROM picked WHERE " + address.map(a -> "s." + a + " = picked.address AND ").orElse("")
        + "s.run_id = ? AND s.slice_index = picked.slice_index"
        + " RETURNING s.slice_index, s.attempt, s.version, s.lease_until, picked.k";
  }

  private List<Claimed> claimReturning(Connection c, String runId, String workerId, long millis, int max,
      boolean expired, int from) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(claimReturningSql(max, expired))) {
      int i = 1;
      if (expired) {
        ps.setString(i++, runId);
      }
      ps.setString(i++, runId);
      ps.setInt(i++, from);
      ps.setString(i++, workerId);
      ps.setLong(i++, millis);
      ps.setString(i, runId);
      List<Claimed> leases = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          leases.add(new Claimed(lease(rs, runId, workerId), rs.getInt("k") == 0));
        }
      }
      return leases;
    }
  }

  /**
   * Returns the compound statement that claims up to {@code max} slices in one round trip where the
   * server runs compound statements but {@code UPDATE} returns nothing (MariaDB): a READ COMMITTED
   * transaction of its own, begun and committed inside the statement (run in auto-commit), that locks
   * the candidates with {@code FOR UPDATE SKIP LOCKED}, keeps them as JSON arrays of
   * {@code [slice_index, attempt, version]} as they were before the claim, with their slice keys and
   * (short) partition keys in two more arrays of the same order (remembered for the slice's end,
   * {@link #takeClaimed}), takes them all in one update joined by primary key, commits, and then returns
   * one row: {@code expired}, {@code expired_keys}, {@code expired_parts}, {@code pending},
   * {@code pending_keys}, {@code pending_parts} and {@code db_now}, the time the leases are measured
   * from. Any failure rolls the transaction back before it reaches the client. Parameters: run id, the
   * lowest PENDING slice index to look at, worker, lease millis.
   *
   * @param max most slices to claim
   * @param expired whether expired leases are taken too (before PENDING slices)
   * @return the SQL
   */
  public String claimCompoundSql(int max, boolean expired) {
    return cached(compoundSql, max, expired, this::buildClaimCompoundSql);
  }

  private String buildClaimCompoundSql(int max, boolean expired) {
    // The locked candidates (numbers), joined back by primary key for their keys, as three arrays of one
    // order: an aggregate of text columns (or of JSON_ARRAY, which is text) makes MariaDB write its
    // temporary table to disk. Partition keys longer than the short text that stays in memory come back
    // null, and the slice's end reads them itself; the cast names the character set, so that no
    // connection's character set can change a key on its way back.
    String candidates = "SELECT COALESCE(JSON_ARRAYAGG(JSON_ARRAY(bf_c.slice_index, bf_c.attempt, bf_c.version)),"
        + " '[]'), COALESCE(JSON_ARRAYAGG(bf_s.slice_key), '[]'), COALESCE(JSON_ARRAYAGG(CASE WHEN"
        + " CHAR_LENGTH(bf_s.partition_keys) <= " + SHORT_KEYS + " THEN CAST(bf_s.partition_keys AS CHAR(" + SHORT_KEYS
        + ") CHARACTER SET utf8mb4) END), '[]') INTO %1$s, %1$s_keys, %1$s_parts FROM (SELECT slice_index, attempt,"
        + " version FROM " + t.slices
        + " WHERE run_id = bf_run AND %2$s ORDER BY slice_index LIMIT %3$s FOR UPDATE SKIP LOCKED) AS bf_c"
        + " STRAIGHT_JOIN " + t.slices + " AS bf_s ON bf_s.run_id = bf_run AND bf_s.slice_index = bf_c.slice_index;";
    // the variables carry a prefix no column has: inside a compound statement a variable hides a column;
    // the texts are utf8mb4 whatever the database's default, so that keys come back as they are stored
    StringBuilder sql = new StringBuilder("BEGIN NOT ATOMIC DECLARE bf_run ").append(dialect.exactTextType(64))
        .append(" DEFAULT ?; DECLARE bf_from INT DEFAULT ?; DECLARE bf_worker VARCHAR(255) DEFAULT ?;")
        .append(" DECLARE bf_millis BIGINT DEFAULT ?; DECLARE bf_left INT DEFAULT ").append(max).append(";")
        .append(" DECLARE bf_expired, bf_expired_keys, bf_expired_parts, bf_pending, bf_pending_keys, bf_pending_parts")
        .append(" LONGTEXT CHARACTER SET utf8mb4 DEFAULT '[]';")
        .append(" DECLARE bf_now ").append(dialect.timestampType()).append(";")
        .append(" DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;")
        .append(" SET TRANSACTION ISOLATION LEVEL READ COMMITTED; START TRANSACTION;");
    if (expired) {
      sql.append(' ').append(String.format(candidates, "bf_expired",
          "status = 'RUNNING' AND lease_until <= " + dialect.now(), max))
          .append(" SET bf_left = bf_left - JSON_LENGTH(bf_expired);");
    }
    sql.append(" IF bf_left > 0 THEN ").append(String.format(candidates, "bf_pending",
        "status = 'PENDING' AND slice_index >= bf_from", "bf_left")).append(" END IF;")
        .append(" SET bf_now = ").append(dialect.now()).append(";")
        // the candidates drive the join, so each taken slice is found by its primary key
        .append(" UPDATE JSON_TABLE(JSON_MERGE_PRESERVE(bf_expired, bf_pending), '$[*]' COLUMNS (bf_i INT PATH '$[0]'))")
        .append(" AS bf_j STRAIGHT_JOIN ").append(t.slices).append(" ON run_id = bf_run AND slice_index = bf_j.bf_i SET ")
        .append(String.format(TAKE, "bf_worker", "TIMESTAMPADD(MICROSECOND, bf_millis * 1000, bf_now)", "bf_now"))
        .append("; COMMIT; SELECT bf_expired AS expired, bf_expired_keys AS expired_keys, bf_expired_parts AS")
        .append(" expired_parts, bf_pending AS pending, bf_pending_keys AS pending_keys, bf_pending_parts AS pending_parts,")
        .append(" bf_now AS db_now; END");
    return sql.toString();
  }

  private List<Claimed> claimCompound(Connection c, String runId, String workerId, long millis, int max,
      boolean expired, int from) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(claimCompoundSql(max, expired))) {
      ps.setString(1, runId);
      ps.setInt(2, from);
      ps.setString(3, workerId);
      ps.setLong(4, millis);
      String[] arrays = new String[6];
      Instant now;
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("the claim statement returned no row");
        }
        for (int i = 0; i < arrays.length; i++) {
          arrays[i] = rs.getString(i + 1);
        }
        now = requireNonNull(dialect.readStoredInstant(rs, "db_now"));
      }
      Instant until = now.plusMillis(millis).truncatedTo(ChronoUnit.MICROS); // as stored
      List<Claimed> leases = new ArrayList<>();
      for (int kind = 0; kind < 2; kind++) {
        JsonNode taken = readJson(arrays[kind * 3]);
        JsonNode keys = readJson(arrays[kind * 3 + 1]);
        JsonNode parts = readJson(arrays[kind * 3 + 2]);
        for (int i = 0; i < taken.size(); i++) {
          JsonNode slice = taken.get(i);
          SliceLease lease = new SliceLease(runId, slice.get(0).asInt(), workerId, slice.get(1).asInt() + 1,
              slice.get(2).asLong() + 1, until);
          if (keys.size() == taken.size() && parts.size() == taken.size() && !parts.get(i).isNull()) {
            remember(lease, keys.get(i).asText(), parts.get(i).asText());
          }
          leases.add(new Claimed(lease, kind == 0));
        }
      }
      return leases;
    } catch (SQLException e) {
      // the statement rolls back its own transaction; should the server have stopped it before that,
      // nothing of it may stay open on a connection that goes back to the pool
      try (Statement s = c.createStatement()) {
        s.execute("ROLLBACK");
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      throw e;
    }
  }

  private static JsonNode readJson(String json) throws SQLException {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new SQLException("the claim statement returned candidates that are not JSON: " + json, e);
    }
  }

  /**
   * A claim in one READ COMMITTED transaction where {@code UPDATE} returns nothing: the locking selects
   * read what the leases need (attempt, version, the database's now, the partition keys), so the update
   * sets the lease's end from that now and nothing is read back.
   */
  private List<Claimed> claimLocking(Connection c, String runId, String workerId, long millis, int max,
      boolean expired, int from) throws SQLException {
    List<Candidate> picked = expired
        ? lockCandidates(c, runId, "status = 'RUNNING' AND lease_until <= " + dialect.now(), max, -1, true)
        : new ArrayList<>();
    if (picked.size() < max) {
      picked.addAll(lockCandidates(c, runId, "status = 'PENDING' AND slice_index >= ?", max - picked.size(), from,
          false));
    }
    if (picked.isEmpty()) {
      return List.of();
    }
    Instant now = picked.stream().map(Candidate::now).max(Instant::compareTo).orElseThrow();
    Instant until = now.plusMillis(millis);
    String in = " AND slice_index IN (" + String.join(", ", Collections.nCopies(picked.size(), "?")) + ")";
    try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.slices + " SET " + String.format(TAKE, "?", "?", "?")
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
    List<Claimed> leases = new ArrayList<>();
    for (Candidate p : picked) {
      // as stored: the column keeps microseconds
      SliceLease lease = new SliceLease(runId, p.index(), workerId, p.attempt() + 1, p.version() + 1,
          until.truncatedTo(ChronoUnit.MICROS));
      remember(lease, p.key(), p.partitionKeys());
      leases.add(new Claimed(lease, p.expired()));
    }
    return leases;
  }

  /**
   * A slice locked for a claim, as it was before the claim, the database's now when it was read, and
   * whether its lease had expired.
   */
  private record Candidate(int index, int attempt, long version, String key, String partitionKeys, Instant now,
      boolean expired) {}

  /** Locks candidates; {@code from} binds the condition's one parameter when not negative. */
  private List<Candidate> lockCandidates(Connection c, String runId, String condition, int limit, int from,
      boolean expired) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT slice_index, attempt, version, slice_key, partition_keys, "
        + dialect.now() + " AS db_now FROM " + t.slices + " WHERE run_id = ? AND " + condition
        + " ORDER BY slice_index LIMIT " + limit + " FOR UPDATE SKIP LOCKED")) {
      ps.setString(1, runId);
      if (from >= 0) {
        ps.setInt(2, from);
      }
      List<Candidate> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Candidate(rs.getInt("slice_index"), rs.getInt("attempt"), rs.getLong("version"),
              rs.getString("slice_key"), rs.getString("partition_keys"),
              requireNonNull(dialect.readStoredInstant(rs, "db_now")), expired));
        }
      }
      return out;
    }
  }

  private static String leaseKey(SliceLease lease) {
    return lease.runId() + '\u0000' + lease.index() + '\u0000' + lease.version();
  }

  private void remember(SliceLease lease, String key, String partitionKeys) {
    if (!rememberKeys) {
      return;
    }
    if (claimedKeys.size() >= MAX_REMEMBERED) {
      claimedKeys.clear(); // leases lost or never ended; their slices read their keys again
    }
    claimedKeys.put(leaseKey(lease), new ClaimedSlice(key, partitionKeys));
  }

  /**
   * A claimed slice's key and partition keys as its claim read them.
   *
   * @param key the slice's key
   * @param partitionKeys its partition keys, the stored JSON array
   */
  public record ClaimedSlice(String key, String partitionKeys) {}

  /**
   * Takes the keys this process read when it claimed a lease, so the slice's end need not read them
   * again; empty when the lease came from elsewhere (another claim path, a dropped memory).
   *
   * @param lease the lease being ended
   * @return the slice's keys as its claim read them
   */
  public Optional<ClaimedSlice> takeClaimed(SliceLease lease) {
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
