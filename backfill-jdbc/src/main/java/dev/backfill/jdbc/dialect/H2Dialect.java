package dev.backfill.jdbc.dialect;

import dev.backfill.spi.FailureClassifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * H2 (2.x), embedded or in server mode.
 *
 * <ul>
 *   <li>Merge: {@code MERGE INTO t (...) KEY (keys) VALUES (...)}; {@code newerBy(column)} uses the
 *       standard {@code MERGE INTO t USING ... WHEN MATCHED AND t.column <= s.column THEN UPDATE}.
 *   <li>Full rebuild: the shadow is {@code CREATE TABLE ... AS SELECT ... WITH NO DATA} plus the NOT
 *       NULL constraints and the primary key; the swap is common to all engines (see
 *       {@code JdbcDestination}).
 *   <li>Names: unquoted names are stored upper-case, so configured names are folded to upper case
 *       before quoting, and upper-case result labels come back lower-case in rows. A database opened
 *       with {@code DATABASE_TO_LOWER=TRUE} is detected and folded to lower case instead.
 *   <li>Tokens: {@code start_ts}/{@code end_ts} bind as {@code TIMESTAMP WITH TIME ZONE}. In a pushdown
 *       query a token selected as a column needs a cast ({@code CAST(:start_date AS DATE) AS day}) so
 *       H2 knows its type.
 *   <li>State store: claims with a compare-and-set on the slice's version (no {@code SKIP LOCKED});
 *       stores of one embedded database starting at once take turns migrating its tables.
 * </ul>
 */
public final class H2Dialect extends Dialect {
  /** Migration turns of the embedded databases in this JVM, by URL and lock name. */
  private static final ConcurrentMap<String, Semaphore> MIGRATION_TURNS = new ConcurrentHashMap<>();

  /** Creates the dialect for a database that stores unquoted names upper-case (H2's default). */
  public H2Dialect() {
    this(IdentifierCase.UPPER);
  }

  H2Dialect(IdentifierCase identifierCase) {
    super(identifierCase);
  }

  @Override
  public String name() {
    return "H2";
  }

  @Override
  protected int maxIdentifierLength() {
    return 256;
  }

  @Override
  public SqlSyntax sqlSyntax() {
    return new SqlSyntax(false, false, false, true, false);
  }

  @Override
  public String upsertSql(String table, List<String> columns, List<String> keys, List<String> updateColumns,
      @Nullable String newerBy) {
    if (newerBy == null && updateColumns.equals(nonKeys(columns, keys))) {
      return "MERGE INTO " + table + " (" + quoteAll(columns) + ") KEY (" + quoteAll(keys) + ") VALUES ("
          + placeholders(columns.size()) + ")";
    }
    // MERGE ... KEY always updates every column; the standard MERGE can update a subset, and only
    // the rows that are not newer.
    return standardMerge(table, "(VALUES (" + placeholders(columns.size()) + ")) AS " + quote("bf_s") + " ("
        + quoteAll(columns) + ")", columns, keys, updateColumns, newerBy);
  }

  @Override
  public String upsertSelectSql(String table, List<String> columns, List<String> keys, String query,
      @Nullable String newerBy) {
    if (newerBy == null) {
      return "MERGE INTO " + table + " (" + quoteAll(columns) + ") KEY (" + quoteAll(keys) + ") SELECT "
          + quoteAll(columns) + " FROM (" + query + ") " + quote("bf_q");
    }
    return standardMerge(table, "(SELECT " + quoteAll(columns) + " FROM (" + query + ") " + quote("bf_q") + ") AS "
        + quote("bf_s"), columns, keys, nonKeys(columns, keys), newerBy);
  }

  /** {@code MERGE INTO t USING source AS "bf_s" ON keys WHEN MATCHED [AND not newer] ... WHEN NOT MATCHED ...}. */
  private String standardMerge(String table, String source, List<String> columns, List<String> keys,
      List<String> updateColumns, @Nullable String newerBy) {
    String s = quote("bf_s");
    StringJoiner on = new StringJoiner(" AND ");
    for (String k : keys) {
      on.add(table + "." + quote(k) + " = " + s + "." + quote(k));
    }
    StringJoiner values = new StringJoiner(", ");
    for (String c : columns) {
      values.add(s + "." + quote(c));
    }
    String merge = "MERGE INTO " + table + " USING " + source + " ON " + on;
    if (!updateColumns.isEmpty()) {
      StringJoiner set = new StringJoiner(", ");
      for (String c : updateColumns) {
        set.add(quote(c) + " = " + s + "." + quote(c));
      }
      String when = newerBy == null ? "" : " AND " + table + "." + quote(newerBy) + " <= " + s + "." + quote(newerBy);
      merge += " WHEN MATCHED" + when + " THEN UPDATE SET " + set;
    }
    return merge + " WHEN NOT MATCHED THEN INSERT (" + quoteAll(columns) + ") VALUES (" + values + ")";
  }

  @Override
  public List<List<String>> uniqueKeys(Connection connection, @Nullable String schema, String table)
      throws SQLException {
    try (PreparedStatement ps = catalogQuery(connection, "SELECT i.INDEX_NAME, c.COLUMN_NAME"
        + " FROM INFORMATION_SCHEMA.INDEXES i JOIN INFORMATION_SCHEMA.INDEX_COLUMNS c"
        + " ON c.INDEX_SCHEMA = i.INDEX_SCHEMA AND c.INDEX_NAME = i.INDEX_NAME"
        + " WHERE i.TABLE_SCHEMA = COALESCE(?, CURRENT_SCHEMA) AND i.TABLE_NAME = ?"
        + " AND i.INDEX_TYPE_NAME IN ('PRIMARY KEY', 'UNIQUE INDEX') ORDER BY i.INDEX_NAME, c.ORDINAL_POSITION",
        schema, table)) {
      return columnsByKey(ps);
    }
  }

  @Override
  public Optional<TextComparison> textComparison(Connection connection, @Nullable String schema, String table,
      String column) throws SQLException {
    // H2 compares text by the database's collation (SET COLLATION), except VARCHAR_IGNORECASE.
    try (PreparedStatement ps = catalogQuery(connection, "SELECT DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS"
        + " WHERE TABLE_SCHEMA = COALESCE(?, CURRENT_SCHEMA) AND TABLE_NAME = ? AND COLUMN_NAME = ?",
        schema, table, column)) {
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        String type = rs.getString(1);
        if ("VARCHAR_IGNORECASE".equals(type)) {
          return Optional.of(new TextComparison("CAST(? AS VARCHAR_IGNORECASE)", "type VARCHAR_IGNORECASE"));
        }
        return type.startsWith("CHARACTER") ? Optional.of(new TextComparison("CAST(? AS VARCHAR)",
            "the database collation")) : Optional.empty();
      }
    }
  }

  @Override
  public String exactTextHint() {
    return "a case-sensitive type (VARCHAR rather than VARCHAR_IGNORECASE)";
  }

  @Override
  public void createShadow(Connection connection, @Nullable String schema, String table, String shadow)
      throws SQLException {
    // H2 has no CREATE TABLE ... LIKE: copy the columns, then the NOT NULL constraints and the primary
    // key, so a slice violating them fails when it is written rather than at the swap.
    String live = qualified(schema, table);
    String copy = qualified(schema, shadow);
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE TABLE " + copy + " AS SELECT * FROM " + live + " WITH NO DATA");
      ResultSetMetaData md = s.executeQuery("SELECT * FROM " + live + " WHERE 1 = 0").getMetaData();
      List<String> notNull = new ArrayList<>();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        if (md.isNullable(i) == ResultSetMetaData.columnNoNulls) {
          notNull.add(quoteStored(md.getColumnName(i)));
        }
      }
      for (String column : notNull) {
        s.execute("ALTER TABLE " + copy + " ALTER COLUMN " + column + " SET NOT NULL");
      }
      List<String> key = primaryKey(connection, schema == null ? connection.getSchema() : fold(schema), fold(table));
      if (!key.isEmpty()) {
        s.execute("ALTER TABLE " + copy + " ADD PRIMARY KEY (" + String.join(", ", key) + ")");
      }
    }
  }

  private static List<String> primaryKey(Connection c, String schema, String table) throws SQLException {
    java.util.SortedMap<Short, String> columns = new java.util.TreeMap<>();
    try (java.sql.ResultSet rs = c.getMetaData().getPrimaryKeys(null, schema, table)) {
      while (rs.next()) {
        columns.put(rs.getShort("KEY_SEQ"), quoteStored(rs.getString("COLUMN_NAME")));
      }
    }
    return new ArrayList<>(columns.values());
  }


  @Override
  public String timestampType() {
    return "TIMESTAMP(6) WITH TIME ZONE";
  }

  @Override
  public String textType() {
    return "CHARACTER LARGE OBJECT";
  }

  @Override
  public String now() {
    return "CURRENT_TIMESTAMP";
  }

  @Override
  public String nowPlusMillis() {
    return "DATEADD(MILLISECOND, ?, CURRENT_TIMESTAMP)";
  }

  @Override
  public FailureClassifier.Kind classify(SQLException e) {
    // HYT00: lock timeout; 90131: concurrent update of a row by two transactions.
    if ("HYT00".equals(e.getSQLState()) || e.getErrorCode() == 90131) {
      return FailureClassifier.Kind.CONFLICT;
    }
    return FailureClassifier.Kind.UNKNOWN;
  }

  @Override
  public List<String> referencingTables(Connection connection, @Nullable String schema, String table)
      throws SQLException {
    return catalogStrings(connection, "SELECT DISTINCT fk.TABLE_NAME || ' (' || fk.CONSTRAINT_NAME || ')'"
        + " FROM INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS rc"
        + " JOIN INFORMATION_SCHEMA.TABLE_CONSTRAINTS fk ON fk.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA"
        + " AND fk.CONSTRAINT_NAME = rc.CONSTRAINT_NAME"
        + " JOIN INFORMATION_SCHEMA.TABLE_CONSTRAINTS pk ON pk.CONSTRAINT_SCHEMA = rc.UNIQUE_CONSTRAINT_SCHEMA"
        + " AND pk.CONSTRAINT_NAME = rc.UNIQUE_CONSTRAINT_NAME"
        + " WHERE pk.TABLE_SCHEMA = COALESCE(?, CURRENT_SCHEMA) AND pk.TABLE_NAME = ?"
        + " AND NOT (fk.TABLE_SCHEMA = pk.TABLE_SCHEMA AND fk.TABLE_NAME = pk.TABLE_NAME) ORDER BY 1", schema, table);
  }

  @Override
  public List<String> triggers(Connection connection, @Nullable String schema, String table) throws SQLException {
    return catalogStrings(connection, "SELECT TRIGGER_NAME FROM INFORMATION_SCHEMA.TRIGGERS"
        + " WHERE EVENT_OBJECT_SCHEMA = COALESCE(?, CURRENT_SCHEMA) AND EVENT_OBJECT_TABLE = ? ORDER BY 1", schema, table);
  }

  @Override
  public List<String> generatedColumns(Connection connection, @Nullable String schema, String table)
      throws SQLException {
    return catalogStrings(connection, "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS"
        + " WHERE TABLE_SCHEMA = COALESCE(?, CURRENT_SCHEMA) AND TABLE_NAME = ? AND IS_GENERATED = 'ALWAYS'"
        + " ORDER BY ORDINAL_POSITION", schema, table);
  }

  @Override
  public void lockMigrations(Connection connection, String name) throws SQLException {
    // H2 has no named lock that outlives DDL (each statement commits), and its ALTER TABLE ... ADD
    // COLUMN rebuilds the table: another session can find it missing meanwhile. An embedded database
    // lives in one JVM, so its stores starting at once take turns here; processes sharing an H2
    // server still converge through the retried, idempotent steps.
    Semaphore turn = MIGRATION_TURNS.computeIfAbsent(migrationTurn(connection, name), k -> new Semaphore(1));
    try {
      if (!turn.tryAcquire(60, TimeUnit.SECONDS)) {
        throw new SQLException("could not take the migration turn for " + name + " within 60 s", "HYT00");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for the migration turn for " + name, "HYT00", e);
    }
  }

  @Override
  public void unlockMigrations(Connection connection, String name) throws SQLException {
    Semaphore turn = MIGRATION_TURNS.get(migrationTurn(connection, name));
    if (turn != null) {
      turn.release();
    }
  }

  /** The database (by URL) and lock name whose stores take turns migrating. */
  private static String migrationTurn(Connection connection, String name) throws SQLException {
    return connection.getMetaData().getURL() + "|" + name;
  }

  @Override
  public boolean tryLock(Connection connection, String name) throws SQLException {
    // H2 has no named locks: a row of a lock table, locked by an open transaction of this connection.
    // Nothing here may wait on the holder's row lock, so the session's lock timeout is 0 while trying
    // and is put back afterwards (the connection goes back to the pool once the lock is released).
    boolean auto = connection.getAutoCommit();
    int lockTimeout;
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT LOCK_TIMEOUT()")) {
      rs.next();
      lockTimeout = rs.getInt(1);
    }
    try (Statement s = connection.createStatement()) {
      s.execute("SET LOCK_TIMEOUT 0");
      connection.setAutoCommit(true);
      s.execute("CREATE TABLE IF NOT EXISTS " + quote("backfill_locks") + " (" + quote("name")
          + " VARCHAR(255) NOT NULL PRIMARY KEY)");
      try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + quote("backfill_locks") + " SELECT ?"
          + " WHERE NOT EXISTS (SELECT 1 FROM " + quote("backfill_locks") + " WHERE " + quote("name") + " = ?)")) {
        ps.setString(1, name);
        ps.setString(2, name);
        ps.executeUpdate();
      } catch (SQLException e) {
        if (!isLockBusy(e) && !"23505".equals(e.getSQLState())) {
          throw e;
        }
        // another writer inserted or holds the row: it exists, which is all this step needs
      }
      connection.setAutoCommit(false);
      try (PreparedStatement ps = connection.prepareStatement("SELECT " + quote("name") + " FROM "
          + quote("backfill_locks") + " WHERE " + quote("name") + " = ? FOR UPDATE")) {
        ps.setString(1, name);
        ps.executeQuery().close();
        return true;
      } catch (SQLException e) {
        connection.rollback();
        connection.setAutoCommit(auto);
        if (isLockBusy(e)) {
          return false;
        }
        throw e;
      }
    } finally {
      try (Statement s = connection.createStatement()) {
        s.execute("SET LOCK_TIMEOUT " + lockTimeout);
      }
    }
  }

  private static boolean isLockBusy(SQLException e) {
    return "HYT00".equals(e.getSQLState()) || e.getErrorCode() == 50200 || e.getErrorCode() == 90131;
  }

  @Override
  public void unlock(Connection connection, String name) throws SQLException {
    connection.rollback();
    connection.setAutoCommit(true);
  }

  @Override
  public String lockKind() {
    return "H2 lock row in backfill_locks";
  }
}
