package dev.backfill.jdbc.internal;

import dev.backfill.InvalidConfigurationException;
import dev.backfill.jdbc.dialect.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state store's tables and their versioned schema. Each migration step is idempotent
 * ({@code IF NOT EXISTS}) and the version row moves forward by compare-and-set, so two processes
 * starting at once converge; where the engine has an advisory lock, migrations also take it.
 */
public final class StoreTables {
  private static final Logger log = LoggerFactory.getLogger(StoreTables.class);

  /** The schema version this library creates and reads. */
  public static final int LATEST = 5;

  private final Dialect dialect;
  private final @Nullable String schema;
  private final String prefix;
  /** Quoted, qualified name of the runs table. */
  public final String runs;
  /** Quoted, qualified name of the slices table. */
  public final String slices;
  /** Quoted, qualified name of the partition states table. */
  public final String partitions;
  /** Quoted, qualified name of the append-only attempt history table. */
  public final String attempts;
  /** Quoted, qualified name of the schema version table. */
  public final String version;
  /** Quoted, qualified name of the target leases table (one writing run per target). */
  public final String targets;

  /**
   * Names the tables.
   *
   * @param dialect the engine
   * @param schema schema (database on MariaDB), or null for the connection's current one
   * @param prefix prefix of every table name
   */
  public StoreTables(Dialect dialect, @Nullable String schema, String prefix) {
    this.dialect = dialect;
    this.schema = schema;
    this.prefix = prefix;
    this.runs = dialect.qualified(schema, prefix + "runs");
    this.slices = dialect.qualified(schema, prefix + "slices");
    this.partitions = dialect.qualified(schema, prefix + "partitions");
    this.attempts = dialect.qualified(schema, prefix + "attempts");
    this.version = dialect.qualified(schema, prefix + "schema_version");
    this.targets = dialect.qualified(schema, prefix + "targets");
  }

  private List<String> step(int n) {
    String ts = dialect.timestampType();
    String text = dialect.textType();
    String options = dialect.storeTableOptions();
    if (n == 1) {
      return List.of(
          "CREATE TABLE IF NOT EXISTS " + runs + " ("
              + "run_id VARCHAR(64) NOT NULL PRIMARY KEY, "
              + "target VARCHAR(255) NOT NULL, "
              + "status VARCHAR(16) NOT NULL, "
              + "logic_version VARCHAR(255) NOT NULL, "
              + "guarantee VARCHAR(16) NOT NULL, "
              + "plan_json " + text + " NOT NULL, "
              + "slice_count INT NOT NULL, "
              + "created_at " + ts + " NOT NULL, "
              + "finished_at " + ts + " NULL, "
              + "message " + text + " NOT NULL)" + options,
          "CREATE INDEX IF NOT EXISTS " + dialect.quote(prefix + "runs_target") + " ON " + runs + " (target, created_at)",
          "CREATE TABLE IF NOT EXISTS " + slices + " ("
              + "run_id VARCHAR(64) NOT NULL, "
              + "slice_index INT NOT NULL, "
              + "slice_key VARCHAR(512) NOT NULL, "
              + "partition_keys " + text + " NOT NULL, "
              + "status VARCHAR(16) NOT NULL, "
              + "attempt INT NOT NULL, "
              + "version BIGINT NOT NULL, "
              + "worker VARCHAR(255) NULL, "
              + "lease_until " + ts + " NULL, "
              + "started_at " + ts + " NULL, "
              + "finished_at " + ts + " NULL, "
              + "row_count BIGINT NOT NULL, "
              + "error " + text + " NULL, "
              + "checks " + text + " NULL, "
              + "log_excerpt " + text + " NULL, "
              + "PRIMARY KEY (run_id, slice_index))" + options,
          "CREATE INDEX IF NOT EXISTS " + dialect.quote(prefix + "slices_claim") + " ON " + slices
              + " (run_id, status, slice_index)",
          "CREATE TABLE IF NOT EXISTS " + partitions + " ("
              + "target VARCHAR(255) NOT NULL, "
              + "partition_key VARCHAR(255) NOT NULL, "
              + "last_status VARCHAR(16) NOT NULL, "
              + "last_run_id VARCHAR(64) NOT NULL, "
              + "succeeded_at " + ts + " NULL, "
              + "logic_version VARCHAR(255) NULL, "
              + "row_count BIGINT NOT NULL, "
              + "duration_ms BIGINT NOT NULL, "
              + "invalidated " + dialect.booleanType() + " NOT NULL, "
              + "PRIMARY KEY (target, partition_key))" + options);
    }
    if (n == 2) {
      // One row per finished attempt; the key makes a second record of one attempt impossible.
      return List.of(
          "CREATE TABLE IF NOT EXISTS " + attempts + " ("
              + "run_id VARCHAR(64) NOT NULL, "
              + "slice_index INT NOT NULL, "
              + "attempt INT NOT NULL, "
              + "slice_key VARCHAR(512) NOT NULL, "
              + "worker VARCHAR(255) NOT NULL, "
              + "status VARCHAR(16) NOT NULL, "
              + "started_at " + ts + " NULL, "
              + "finished_at " + ts + " NOT NULL, "
              + "row_count BIGINT NOT NULL, "
              + "error " + text + " NULL, "
              + "recorded_at " + ts + " NOT NULL, "
              + "PRIMARY KEY (run_id, slice_index, attempt))" + options);
    }
    if (n == 3) {
      // Keys, targets and ids compare byte by byte: under MariaDB's default utf8mb4_general_ci the
      // static keys acme/ACME or zurich/zürich were one stored partition state.
      List<String> ddl = new ArrayList<>();
      ddl.addAll(dialect.exactTextMigration(runs, columns("run_id", "64 NOT NULL", "target", "255 NOT NULL")));
      ddl.addAll(dialect.exactTextMigration(slices, columns("run_id", "64 NOT NULL", "slice_key", "512 NOT NULL",
          "worker", "255 NULL")));
      ddl.addAll(dialect.exactTextMigration(partitions, columns("target", "255 NOT NULL", "partition_key", "255 NOT NULL",
          "last_run_id", "64 NOT NULL")));
      ddl.addAll(dialect.exactTextMigration(attempts, columns("run_id", "64 NOT NULL", "slice_key", "512 NOT NULL",
          "worker", "255 NOT NULL")));
      return ddl;
    }
    if (n == 4) {
      // One writing run per target (a lease with fencing), the execution settings a resume reuses and
      // each slice's stats, on which a resumed run's run-level checks are judged.
      return List.of(
          "CREATE TABLE IF NOT EXISTS " + targets + " ("
              + "target " + dialect.exactTextType(255) + " NOT NULL PRIMARY KEY, "
              + "run_id " + dialect.exactTextType(64) + " NOT NULL, "
              + "worker VARCHAR(255) NOT NULL, "
              + "since " + ts + " NOT NULL, "
              + "lease_until " + ts + " NOT NULL)" + options,
          "ALTER TABLE " + runs + " ADD COLUMN IF NOT EXISTS options_json " + text + " NULL",
          "ALTER TABLE " + slices + " ADD COLUMN IF NOT EXISTS stats_json " + text + " NULL");
    }
    if (n == 5) {
      // The operator's view (issue 15): who started a run and how, the workers' heartbeat that tells a
      // live run from a stalled one, cancel requests from any process, and each attempt's log lines.
      return List.of(
          "ALTER TABLE " + runs + " ADD COLUMN IF NOT EXISTS info_json " + text + " NULL",
          "ALTER TABLE " + runs + " ADD COLUMN IF NOT EXISTS alive_until " + ts + " NULL",
          "ALTER TABLE " + runs + " ADD COLUMN IF NOT EXISTS cancel_mode VARCHAR(16) NULL",
          "ALTER TABLE " + runs + " ADD COLUMN IF NOT EXISTS cancel_requested_at " + ts + " NULL",
          "ALTER TABLE " + runs + " ADD COLUMN IF NOT EXISTS cancel_requested_by VARCHAR(255) NULL",
          "ALTER TABLE " + attempts + " ADD COLUMN IF NOT EXISTS log_excerpt " + text + " NULL",
          "CREATE INDEX IF NOT EXISTS " + dialect.quote(prefix + "runs_created") + " ON " + runs + " (created_at)");
    }
    throw new IllegalArgumentException("no migration step " + n);
  }

  private static Map<String, String> columns(String... nameThenSpec) {
    Map<String, String> columns = new LinkedHashMap<>();
    for (int i = 0; i < nameThenSpec.length; i += 2) {
      columns.put(nameThenSpec[i], nameThenSpec[i + 1]);
    }
    return columns;
  }

  /**
   * Creates or upgrades the tables to {@link #LATEST}. Call with retries: a concurrent process may
   * make a step fail once.
   *
   * @param c a connection (auto-commit is switched on for the migration and restored)
   * @throws SQLException on failure
   * @throws InvalidConfigurationException when the tables are newer than this library
   */
  public void migrate(Connection c) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(true);
    String lock = "backfill:" + (schema == null ? "" : schema + ".") + prefix;
    try (Statement s = c.createStatement()) {
      if (schema != null) {
        s.execute(dialect.createSchemaIfNotExistsSql(schema));
      }
      dialect.lockMigrations(c, lock);
      try {
        s.execute("CREATE TABLE IF NOT EXISTS " + version + " (id INT NOT NULL PRIMARY KEY, version INT NOT NULL)"
            + dialect.storeTableOptions());
        int current = currentVersion(c);
        if (current > LATEST) {
          throw new InvalidConfigurationException("the state store tables " + version + " are at schema version "
              + current + ", newer than the version " + LATEST + " this library knows; upgrade backfill-jdbc or use"
              + " another table prefix");
        }
        for (int n = current + 1; n <= LATEST; n++) {
          for (String ddl : step(n)) {
            s.execute(ddl);
          }
          setVersion(c, n - 1, n);
          log.info("state store tables {}* migrated to schema version {}", prefix, n);
        }
      } finally {
        dialect.unlockMigrations(c, lock);
      }
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /**
   * Reads the schema version.
   *
   * @param c a connection
   * @return the version, 0 before the first migration
   * @throws SQLException on failure
   */
  public int currentVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version FROM " + version + " WHERE id = 1")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  private void setVersion(Connection c, int from, int to) throws SQLException {
    String sql = from == 0 ? "INSERT INTO " + version + " (id, version) VALUES (1, ?)"
        : "UPDATE " + version + " SET version = ? WHERE id = 1 AND version = ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setInt(1, to);
      if (from > 0) {
        ps.setInt(2, from);
      }
      if (ps.executeUpdate() != 1) {
        throw new SQLException("schema version of " + version + " moved on concurrently (expected " + from + ")");
      }
    }
  }
}
