package dev.backfill.jdbc.dialect;

import static java.util.Objects.requireNonNull;

import dev.backfill.InvalidConfigurationException;
import dev.backfill.spi.FailureClassifier;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.sql.Types;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.WeakHashMap;
import org.jspecify.annotations.Nullable;

/**
 * MariaDB (10.6 or later for {@code SKIP LOCKED}) and MySQL (8.0 or later).
 *
 * <ul>
 *   <li>Merge: {@code INSERT ... ON DUPLICATE KEY UPDATE}; the key columns need a primary key or
 *       unique index, and any other unique index on the table also triggers the update.
 *       {@code newerBy(column)} turns each assignment into {@code IF(existing <= incoming, new, old)},
 *       the ordering column last because MariaDB assigns left to right. A merge's records are
 *       written by multi-row statements ({@link MultiRowSql}): one {@code INSERT ... VALUES (...),
 *       (...) ON DUPLICATE KEY UPDATE} per batch (split to stay under 65,535 parameters and half of
 *       {@code max_allowed_packet}), whose rows the server handles in order, as one-row statements;
 *       about five times faster than a batch of one-row upserts. Plain inserts stay batches, which
 *       Connector/J sends in bulk and which measured faster than multi-row inserts.
 *   <li>Full rebuild: the shadow is {@code CREATE TABLE shadow LIKE t}; the swap is common to all
 *       engines (see {@code JdbcDestination}).
 *   <li>Streaming: MariaDB Connector/J 3.x streams a result when the statement has a fetch size, which
 *       the source sets. MySQL Connector/J needs {@code useCursorFetch=true} in the URL to do the same.
 *   <li>Batched inserts: MariaDB Connector/J 3.x sends insert batches in bulk by default
 *       ({@code useBulkStmtsForInserts}); MySQL Connector/J wants {@code rewriteBatchedStatements=true}
 *       in the URL. Neither is required.
 *   <li>Writers and the state store's transactions run in {@code READ COMMITTED}: deleting one
 *       partition then takes no gap locks that block slices writing neighbouring partitions, and under
 *       {@code REPEATABLE READ} the next-key locks of concurrent claims made {@code SKIP LOCKED} pass
 *       over PENDING slices that nobody held, so workers found nothing to claim and stopped early.
 *   <li>Tokens and other instants: MariaDB has no value type that carries an offset, and reads a
 *       date-time it is sent in the session's {@code time_zone}. So {@code start_ts}/{@code end_ts} (and
 *       any {@link OffsetDateTime}, {@link java.time.ZonedDateTime} or {@link java.time.Instant} value)
 *       bind as the date-time of that instant in the connection's session zone, read once per
 *       connection ({@code @@session.time_zone}, or {@code @@system_time_zone} for {@code SYSTEM}):
 *       compared with or written into a {@code TIMESTAMP} column they are the same instant whatever the
 *       session zone, and {@code DATETIME} columns are taken to hold times of the session zone, as
 *       MariaDB's own {@code NOW()} writes them (and as PostgreSQL compares {@code timestamp} columns).
 *       A session zone Java does not know fails the slice with a message; in a session zone with
 *       daylight saving time the hour repeated in autumn is ambiguous, so prefer {@code UTC} or an
 *       offset there. Use {@link #MariaDbDialect(ZoneId)} when your {@code DATETIME} columns hold
 *       times of a fixed zone whatever the session's (then compare no {@code TIMESTAMP} column in
 *       another session zone).
 *   <li>State store: times are {@code DATETIME(6)} in UTC compared with {@code UTC_TIMESTAMP(6)};
 *       claims use {@code FOR UPDATE SKIP LOCKED} (compare-and-set on older servers); migrations hold
 *       {@code GET_LOCK}.
 * </ul>
 */
public final class MariaDbDialect extends Dialect {
  private final @Nullable ZoneId timestampZone;
  private final boolean skipLocked;
  private final String name;
  // Session zone per connection handed out (a pool's proxy per checkout), read on the first instant bound.
  private final Map<Connection, ZoneId> sessionZones = Collections.synchronizedMap(new WeakHashMap<>());
  /** The server's packet limit, read on the first multi-row write (0 until then). */
  private volatile long maxAllowedPacket;

  /**
   * Creates the dialect for MariaDB 10.6+ (or MySQL 8+) binding instants in each connection's session
   * time zone.
   */
  public MariaDbDialect() {
    this(null, true, "MariaDB");
  }

  /**
   * Creates the dialect binding instants as {@code DATETIME}s in a fixed zone, whatever the session's.
   *
   * @param timestampZone zone in which your {@code DATETIME} columns hold local times
   */
  public MariaDbDialect(ZoneId timestampZone) {
    this(requireNonNull(timestampZone, "timestampZone"), true, "MariaDB");
  }

  private MariaDbDialect(@Nullable ZoneId timestampZone, boolean skipLocked, String name) {
    super(IdentifierCase.AS_IS);
    this.timestampZone = timestampZone;
    this.skipLocked = skipLocked;
    this.name = name;
  }

  static MariaDbDialect forServer(boolean mariaDb, int major, int minor) {
    boolean skipLocked = mariaDb ? (major > 10 || (major == 10 && minor >= 6)) : major >= 8;
    return new MariaDbDialect(null, skipLocked, mariaDb ? "MariaDB" : "MySQL");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  protected int maxIdentifierLength() {
    return 64;
  }

  @Override
  protected char quoteChar() {
    return '`';
  }

  @Override
  public SqlSyntax sqlSyntax() {
    return new SqlSyntax(true, true, false, false, true);
  }

  @Override
  public String upsertSql(String table, List<String> columns, List<String> keys, List<String> updateColumns,
      @Nullable String newerBy) {
    return "INSERT INTO " + table + " (" + quoteAll(columns) + ") VALUES (" + placeholders(columns.size()) + ")"
        + onDuplicate(table, keys, updateColumns, newerBy);
  }

  @Override
  public String upsertSelectSql(String table, List<String> columns, List<String> keys, String query,
      @Nullable String newerBy) {
    return "INSERT INTO " + table + " (" + quoteAll(columns) + ") SELECT " + quoteAll(columns) + " FROM (" + query
        + ") " + quote("bf_q") + onDuplicate(table, keys, nonKeys(columns, keys), newerBy);
  }

  /**
   * Multi-row {@code INSERT ... VALUES (...), (...) ON DUPLICATE KEY UPDATE} for merges: MariaDB
   * handles the rows of one statement in order, as separate statements, so a key repeated among them
   * ends as row by row; one statement is several times faster than a batch.
   * Values take at most half the server's {@code max_allowed_packet} (read once).
   */
  @Override
  public Optional<MultiRowSql> multiRowSql(Connection c) throws SQLException {
    long packet = maxAllowedPacket;
    if (packet <= 0) {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@max_allowed_packet")) {
        rs.next();
        packet = rs.getLong(1);
      }
      maxAllowedPacket = packet;
    }
    return Optional.of(new MultiRowSql(this, MultiRowSql.MAX_PARAMETERS, Math.max(1, packet / 2), this::onDuplicate));
  }

  private String onDuplicate(String table, List<String> keys, List<String> updateColumns, @Nullable String newerBy) {
    StringJoiner set = new StringJoiner(", ");
    // Assignments run left to right and later ones see the earlier results, so every column is
    // compared against the old ordering value and the ordering column itself is assigned last. The
    // existing row's values are qualified by the table: in INSERT ... SELECT a bare name is ambiguous.
    String newer = newerBy == null ? null : table + "." + quote(newerBy) + " <= VALUES(" + quote(newerBy) + ")";
    for (String c : updateColumns.isEmpty() ? keys.subList(0, 1) : orderingLast(updateColumns, newerBy)) {
      String incoming = "VALUES(" + quote(c) + ")";
      set.add(quote(c) + " = " + (newer == null ? incoming
          : "IF(" + newer + ", " + incoming + ", " + table + "." + quote(c) + ")"));
    }
    return " ON DUPLICATE KEY UPDATE " + set;
  }

  @Override
  public List<List<String>> uniqueKeys(Connection connection, @Nullable String schema, String table)
      throws SQLException {
    try (PreparedStatement ps = catalogQuery(connection, "SELECT INDEX_NAME, COLUMN_NAME"
        + " FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?"
        + " AND NON_UNIQUE = 0 ORDER BY INDEX_NAME, SEQ_IN_INDEX", schema, table)) {
      return columnsByKey(ps);
    }
  }

  @Override
  public Optional<TextComparison> textComparison(Connection connection, @Nullable String schema, String table,
      String column) throws SQLException {
    try (PreparedStatement ps = catalogQuery(connection, "SELECT CHARACTER_SET_NAME, COLLATION_NAME"
        + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?"
        + " AND COLUMN_NAME = ?", schema, table, column)) {
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || rs.getString(2) == null) {
          return Optional.empty();
        }
        String charset = catalogName(rs.getString(1));
        String collation = catalogName(rs.getString(2));
        return Optional.of(new TextComparison("CONVERT(? USING " + charset + ") COLLATE " + collation,
            "collation " + collation));
      }
    }
  }

  /** A character set or collation name read from the catalog, checked before it goes into SQL. */
  private static String catalogName(String name) {
    return checkIdentifier(name, "collation name");
  }

  /**
   * MariaDB 10.6+ (JSON_TABLE came with 10.6), read from the server's product name and version, as
   * {@link Dialect#detect} does; MySQL runs compound statements only in stored programs.
   */
  @Override
  public boolean supportsCompoundStatements(Connection connection) throws SQLException {
    DatabaseMetaData md = connection.getMetaData();
    String server = (md.getDatabaseProductName() + " " + md.getDatabaseProductVersion()).toLowerCase(Locale.ROOT);
    return name.equals("MariaDB") && skipLocked && server.contains("mariadb");
  }

  @Override
  public String jsonArrayTableSql(String jsonText, String alias) {
    return "JSON_TABLE(" + jsonText + ", '$[*]' COLUMNS (k " + exactTextType(255) + " PATH '$')) AS " + alias;
  }

  /** utf8mb4 whatever the database's default: a latin1 database could not keep 😀 in a key or an error. */
  @Override
  public String storeTableOptions() {
    return " DEFAULT CHARSET=utf8mb4";
  }

  /** utf8mb4_bin: the server default (often utf8mb4_general_ci) would make acme and ACME one key. */
  @Override
  public String exactTextType(int length) {
    return "VARCHAR(" + length + ") CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
  }

  @Override
  public List<String> exactTextMigration(String table, Map<String, String> columns) {
    StringJoiner modify = new StringJoiner(", ");
    columns.forEach((column, spec) -> {
      String[] lengthAndNull = spec.split(" ", 2);
      modify.add("MODIFY " + quote(column) + " " + exactTextType(Integer.parseInt(lengthAndNull[0])) + " "
          + lengthAndNull[1]);
    });
    return List.of("ALTER TABLE " + table + " " + modify);
  }

  /** {@code ON DUPLICATE KEY UPDATE} updates on a clash with any unique key of the table. */
  @Override
  public boolean anyUniqueKeyTriggersUpsert() {
    return true;
  }

  @Override
  public String instantColumnType() {
    return "TIMESTAMP";
  }

  @Override
  public String exactTextHint() {
    return "a binary collation (e.g. MODIFY column VARCHAR(n) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin)";
  }

  @Override
  public void createShadow(Connection connection, @Nullable String schema, String table, String shadow)
      throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE TABLE " + qualified(schema, shadow) + " LIKE " + qualified(schema, table));
    }
  }

  /**
   * READ COMMITTED for the next transaction only ({@code SET TRANSACTION}, not {@code SET SESSION
   * TRANSACTION}): the session's level is never changed, so nothing is read first or restored after,
   * three round trips less per transaction than switching the session and back. Called again after a
   * commit when the connection goes on with another transaction.
   */
  @Override
  public void beginWrite(Connection connection) throws SQLException {
    connection.setAutoCommit(false);
    try (Statement s = connection.createStatement()) {
      s.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
    }
  }

  /** {@code set autocommit=1} commits, so it is the commit when auto-commit comes back right after. */
  @Override
  public void commitWrite(Connection connection, boolean autoCommitAfter) throws SQLException {
    if (autoCommitAfter) {
      connection.setAutoCommit(true);
    } else {
      connection.commit();
    }
  }

  /**
   * Cancels the query: closing a streaming result on MariaDB Connector/J reads every remaining row
   * first, which for an abandoned multi-million-row slice would take as long as reading it.
   */
  @Override
  public void abandonStream(Statement statement) {
    try {
      statement.cancel();
    } catch (SQLException e) {
      // the statement may have finished meanwhile; closing it is all that is left to do
    }
  }

  @Override
  public void bindInstant(PreparedStatement ps, int index, OffsetDateTime value) throws SQLException {
    ZoneId zone = timestampZone != null ? timestampZone : sessionZone(ps.getConnection());
    ps.setObject(index, value.atZoneSameInstant(zone).toLocalDateTime());
  }

  private ZoneId sessionZone(Connection connection) throws SQLException {
    ZoneId zone = sessionZones.get(connection);
    if (zone == null) {
      zone = readSessionZone(connection);
      sessionZones.put(connection, zone);
    }
    return zone;
  }

  /** The zone in which the server reads date-times sent on this connection. */
  private static ZoneId readSessionZone(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT @@session.time_zone, @@system_time_zone")) {
      rs.next();
      String session = rs.getString(1);
      String system = rs.getString(2);
      String id = "SYSTEM".equalsIgnoreCase(session) ? system : session;
      try {
        return ZoneId.of(id);
      } catch (DateTimeException e) {
        throw new InvalidConfigurationException("the session time zone of this MariaDB connection is '" + session + "'"
            + ("SYSTEM".equalsIgnoreCase(session) ? " (the server's system zone '" + system + "')" : "")
            + ", which is not a zone id Java knows, so instants cannot be sent as the session reads them; set the"
            + " session's time_zone to an offset or region (e.g. sessionVariables=time_zone='+00:00' in the JDBC"
            + " URL) or use new MariaDbDialect(zone)");
      }
    }
  }

  /** {@code TIMESTAMP} stores instants (in UTC, shown in the session zone); {@code DATETIME} local values. */
  @Override
  public boolean holdsInstants(ResultSetMetaData md, int column) throws SQLException {
    return "TIMESTAMP".equalsIgnoreCase(md.getColumnTypeName(column));
  }

  @Override
  public String timestampType() {
    return "DATETIME(6)";
  }

  @Override
  public String textType() {
    return "LONGTEXT";
  }

  @Override
  public String now() {
    return "UTC_TIMESTAMP(6)";
  }

  @Override
  public String nowPlusMillis() {
    return "TIMESTAMPADD(MICROSECOND, ? * 1000, UTC_TIMESTAMP(6))";
  }

  @Override
  public void bindStoredInstant(PreparedStatement ps, int index, @Nullable Instant value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.TIMESTAMP);
    } else {
      ps.setObject(index, LocalDateTime.ofInstant(value.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
    }
  }

  @Override
  public @Nullable Instant readStoredInstant(ResultSet rs, String column) throws SQLException {
    LocalDateTime t = rs.getObject(column, LocalDateTime.class);
    return t == null ? null : t.toInstant(ZoneOffset.UTC);
  }

  @Override
  public boolean supportsSkipLocked() {
    return skipLocked;
  }

  @Override
  public String createSchemaIfNotExistsSql(String schema) {
    return "CREATE DATABASE IF NOT EXISTS " + quote(schema);
  }

  @Override
  public void lockMigrations(Connection connection, String name) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT GET_LOCK(?, 60)")) {
      ps.setString(1, lockName(name));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || rs.getInt(1) != 1) {
          throw new SQLException("could not take the migration lock " + lockName(name) + " within 60 s", "HYT00");
        }
      }
    }
  }

  @Override
  public void unlockMigrations(Connection connection, String name) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT RELEASE_LOCK(?)")) {
      ps.setString(1, lockName(name));
      ps.executeQuery().close();
    }
  }

  private static String lockName(String name) {
    return name.length() <= 64 ? name : name.substring(0, 55) + Integer.toHexString(name.hashCode());
  }

  @Override
  public FailureClassifier.Kind classify(SQLException e) {
    // 1213: deadlock found; 1205: lock wait timeout exceeded. Both roll the statement back.
    if (e.getErrorCode() == 1213 || e.getErrorCode() == 1205) {
      return FailureClassifier.Kind.CONFLICT;
    }
    String state = e.getSQLState();
    if ("45000".equals(state)) {
      // a trigger's or procedure's SIGNAL: raised on purpose, raised again on a retry
      return FailureClassifier.Kind.PERMANENT;
    }
    if (e instanceof SQLTransientConnectionException && state != null && !state.startsWith("08")
        && !state.startsWith("40")) {
      // Connector/J 3 throws this class for every state it does not map (53100 disk full, XX000, ...):
      // the class then says nothing about a connection, and such states are not worth retrying.
      return FailureClassifier.Kind.PERMANENT;
    }
    return FailureClassifier.Kind.UNKNOWN;
  }

  @Override
  public List<String> referencingTables(Connection connection, @Nullable String schema, String table)
      throws SQLException {
    return catalogStrings(connection, "SELECT DISTINCT CONCAT(TABLE_NAME, ' (', CONSTRAINT_NAME, ')')"
        + " FROM information_schema.KEY_COLUMN_USAGE WHERE REFERENCED_TABLE_SCHEMA = COALESCE(?, DATABASE())"
        + " AND REFERENCED_TABLE_NAME = ? AND NOT (TABLE_SCHEMA = REFERENCED_TABLE_SCHEMA"
        + " AND TABLE_NAME = REFERENCED_TABLE_NAME) ORDER BY 1", schema, table);
  }

  @Override
  public List<String> triggers(Connection connection, @Nullable String schema, String table) throws SQLException {
    return catalogStrings(connection, "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS"
        + " WHERE EVENT_OBJECT_SCHEMA = COALESCE(?, DATABASE()) AND EVENT_OBJECT_TABLE = ? ORDER BY 1", schema, table);
  }

  @Override
  public List<String> generatedColumns(Connection connection, @Nullable String schema, String table)
      throws SQLException {
    return catalogStrings(connection, "SELECT COLUMN_NAME FROM information_schema.COLUMNS"
        + " WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND IS_GENERATED = 'ALWAYS'"
        + " ORDER BY ORDINAL_POSITION", schema, table);
  }

  @Override
  public boolean tryLock(Connection connection, String name) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT GET_LOCK(?, 0)")) {
      ps.setString(1, lockName(name));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getInt(1) == 1;
      }
    }
  }

  @Override
  public void unlock(Connection connection, String name) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT RELEASE_LOCK(?)")) {
      ps.setString(1, lockName(name));
      ps.executeQuery().close();
    }
  }

  @Override
  public String lockKind() {
    return name + " GET_LOCK";
  }

  // ---------------------------------------------------------------------------------------------
  // Native partitions

  /**
   * A slice fills a staging table, which is then exchanged with its partition in auto-commit: inside
   * a transaction {@code EXCHANGE PARTITION} waits for the lock-wait timeout on MariaDB 10.11.
   */
  @Override
  public TablePartitions.Replacement partitionReplacement() {
    return TablePartitions.Replacement.EXCHANGE;
  }

  /** Reads {@code information_schema.PARTITIONS}; a range partition's lower bound is the previous one's upper. */
  @Override
  public Optional<TablePartitions> partitions(Connection connection, @Nullable String schema, String table)
      throws SQLException {
    String method = null;
    String column = null;
    List<TablePartitions.Part> parts = new ArrayList<>();
    List<String> obstacles = new ArrayList<>();
    String previousUpper = null;
    try (PreparedStatement ps = catalogQuery(connection, "SELECT PARTITION_NAME, SUBPARTITION_NAME, PARTITION_METHOD,"
        + " PARTITION_EXPRESSION, PARTITION_DESCRIPTION FROM information_schema.PARTITIONS"
        + " WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND PARTITION_NAME IS NOT NULL"
        + " ORDER BY PARTITION_ORDINAL_POSITION, SUBPARTITION_ORDINAL_POSITION", schema, table);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String name = rs.getString(1);
        if (rs.getString(2) != null) {
          if (obstacles.isEmpty()) {
            obstacles.add("the table has sub-partitions, which EXCHANGE PARTITION cannot take");
          }
          continue;
        }
        method = rs.getString(3).toLowerCase(Locale.ROOT);
        String expression = rs.getString(4) == null ? "" : rs.getString(4).trim();
        column = expression.matches("`[^`]+`") ? expression.substring(1, expression.length() - 1) : null;
        String description = rs.getString(5) == null ? "" : rs.getString(5).trim();
        if (description.equalsIgnoreCase("DEFAULT")) {
          parts.add(new TablePartitions.Part(name, quote(name), null, null, List.of(), true));
        } else if (method.startsWith("range")) {
          List<@Nullable String> upper = TablePartitions.literals(description);
          String to = upper.size() == 1 ? upper.get(0) : null;
          parts.add(new TablePartitions.Part(name, quote(name), previousUpper, to, List.of(), false));
          previousUpper = to;
        } else if (method.startsWith("list")) {
          parts.add(new TablePartitions.Part(name, quote(name), null, null,
              TablePartitions.literals(description).stream().map(v -> v == null ? "NULL" : v).toList(), false));
        } else {
          parts.add(new TablePartitions.Part(name, quote(name), null, null, List.of(), false));
        }
      }
    }
    if (method == null) {
      return Optional.empty();
    }
    // RANGE COLUMNS(day) and RANGE(day) both name the column; RANGE(TO_DAYS(day)) is an expression
    String words = method.replace(" columns", "");
    return Optional.of(new TablePartitions(words, column, parts, obstacles));
  }

  @Override
  public List<String> createStagingSql(String table, String staging) {
    return List.of("CREATE TABLE " + staging + " LIKE " + table, "ALTER TABLE " + staging + " REMOVE PARTITIONING");
  }

  @Override
  public String exchangePartitionSql(String table, String partition, String staging) {
    return "ALTER TABLE " + table + " EXCHANGE PARTITION " + partition + " WITH TABLE " + staging;
  }

  @Override
  public List<String> tablesStartingWith(Connection connection, @Nullable String schema, String prefix)
      throws SQLException {
    return catalogStrings(connection, "SELECT TABLE_NAME FROM information_schema.TABLES"
        + " WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND LEFT(TABLE_NAME, CHAR_LENGTH(?)) = ? ORDER BY 1", schema,
        prefix, prefix);
  }

}
