package dev.backfill.jdbc.dialect;

import dev.backfill.spi.FailureClassifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * PostgreSQL (9.5 or later).
 *
 * <ul>
 *   <li>Merge: {@code INSERT ... ON CONFLICT (keys) DO UPDATE}; the key columns need a primary key or
 *       unique constraint. {@code newerBy(column)} adds {@code WHERE existing.column <= EXCLUDED.column}.
 *   <li>Full rebuild: the shadow is {@code CREATE TABLE shadow (LIKE t INCLUDING ALL)} (columns,
 *       defaults, constraints, indexes); the swap (common to all engines, see {@code JdbcDestination})
 *       takes {@code LOCK TABLE ... IN EXCLUSIVE MODE} first, so other writers wait while readers read
 *       on, and copies identity columns with {@code OVERRIDING SYSTEM VALUE}.
 *   <li>Streaming: results stream through a cursor only with auto-commit off and a fetch size, which
 *       the source sets on its own connection.
 *   <li>Inserts: append, overwrite and full rebuild load each batch with {@code COPY … FROM STDIN}
 *       when the connection is the PostgreSQL driver's and every value's type matches its column's
 *       (see {@link #bulkInsert}); other batches, and merge, use batched statements, for which
 *       {@code reWriteBatchedInserts=true} in the JDBC URL makes the driver send multi-row inserts.
 *   <li>Tokens: {@code start_ts}/{@code end_ts} bind as {@code timestamptz}. Compared with a
 *       {@code timestamp} (without time zone) column, PostgreSQL converts them with the session's
 *       {@code TimeZone}; prefer {@code timestamptz} columns.
 *   <li>State store: claims with {@code FOR UPDATE SKIP LOCKED}; migrations take an advisory lock.
 * </ul>
 */
public final class PostgresDialect extends Dialect {

  /** Creates the dialect. */
  public PostgresDialect() {
    super(IdentifierCase.LOWER);
  }

  @Override
  public String name() {
    return "PostgreSQL";
  }

  @Override
  protected int maxIdentifierLength() {
    return 63;
  }

  @Override
  public SqlSyntax sqlSyntax() {
    return new SqlSyntax(false, false, true, true, false);
  }

  /**
   * Loads plain inserts with {@code COPY … FROM STDIN} (text format) when the connection is the
   * PostgreSQL JDBC driver's; a batch holding a value whose text form could mean something else
   * than the bound parameter (an {@code OffsetDateTime}, bytes, a decimal into an integer column)
   * is inserted with bound parameters instead.
   */
  @Override
  public Optional<BulkInsert> bulkInsert(Connection c, String table, List<String> columns) throws SQLException {
    if (!PGJDBC_PRESENT) {
      return Optional.empty();
    }
    return Optional.ofNullable(PostgresCopy.open(c, this, table, columns));
  }

  private static final boolean PGJDBC_PRESENT = present("org.postgresql.PGConnection");

  private static boolean present(String className) {
    try {
      Class.forName(className, false, PostgresDialect.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  @Override
  public String upsertSql(String table, List<String> columns, List<String> keys, List<String> updateColumns,
      @Nullable String newerBy) {
    return "INSERT INTO " + target(table, newerBy) + " (" + quoteAll(columns) + ") VALUES ("
        + placeholders(columns.size()) + ")" + onConflict(keys, updateColumns, newerBy);
  }

  @Override
  public String upsertSelectSql(String table, List<String> columns, List<String> keys, String query,
      @Nullable String newerBy) {
    // "WHERE TRUE" keeps the parser from reading ON CONFLICT as the ON of a join in the query.
    return "INSERT INTO " + target(table, newerBy) + " (" + quoteAll(columns) + ") SELECT " + quoteAll(columns)
        + " FROM (" + query + ") " + quote("bf_q") + " WHERE TRUE" + onConflict(keys, nonKeys(columns, keys), newerBy);
  }

  /** The table, aliased when the conflict's WHERE must name the existing row (a schema-qualified name cannot). */
  private String target(String table, @Nullable String newerBy) {
    return newerBy == null ? table : table + " AS " + quote("bf_t");
  }

  private String onConflict(List<String> keys, List<String> updateColumns, @Nullable String newerBy) {
    if (updateColumns.isEmpty()) {
      return " ON CONFLICT (" + quoteAll(keys) + ") DO NOTHING";
    }
    StringJoiner set = new StringJoiner(", ");
    for (String c : updateColumns) {
      set.add(quote(c) + " = EXCLUDED." + quote(c));
    }
    String update = " ON CONFLICT (" + quoteAll(keys) + ") DO UPDATE SET " + set;
    return newerBy == null ? update
        : update + " WHERE " + quote("bf_t") + "." + quote(newerBy) + " <= EXCLUDED." + quote(newerBy);
  }

  @Override
  public List<List<String>> uniqueKeys(Connection connection, @Nullable String schema, String table)
      throws SQLException {
    // ON CONFLICT (cols) infers a unique index on exactly those columns: valid, not partial, no expressions.
    try (PreparedStatement ps = connection.prepareStatement("SELECT i.indexrelid::text, a.attname FROM pg_index i"
        + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
        + " WHERE i.indrelid = to_regclass(CAST(? AS text)) AND i.indisunique AND i.indisvalid"
        + " AND i.indpred IS NULL AND i.indexprs IS NULL ORDER BY 1, a.attnum")) {
      ps.setString(1, qualified(schema, table));
      return columnsByKey(ps);
    }
  }

  @Override
  public Optional<TextComparison> textComparison(Connection connection, @Nullable String schema, String table,
      String column) throws SQLException {
    // A column's collation (attcollation) is 0 for types that hold no text.
    try (PreparedStatement ps = connection.prepareStatement("SELECT n.nspname, c.collname FROM pg_attribute a"
        + " JOIN pg_collation c ON c.oid = a.attcollation JOIN pg_namespace n ON n.oid = c.collnamespace"
        + " WHERE a.attrelid = to_regclass(CAST(? AS text)) AND a.attname = ? AND NOT a.attisdropped")) {
      ps.setString(1, qualified(schema, table));
      ps.setString(2, fold(column));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        String collation = quoteStored(rs.getString(1)) + "." + quoteStored(rs.getString(2));
        return Optional.of(new TextComparison("CAST(? AS text) COLLATE " + collation,
            "collation " + rs.getString(2)));
      }
    }
  }


  @Override
  public String instantColumnType() {
    return "timestamptz";
  }

  @Override
  public String exactTextHint() {
    return "a deterministic collation (e.g. ALTER COLUMN ... TYPE VARCHAR(n) COLLATE \"C\")";
  }

  @Override
  public void createShadow(Connection connection, @Nullable String schema, String table, String shadow)
      throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE TABLE " + qualified(schema, shadow) + " (LIKE " + qualified(schema, table) + " INCLUDING ALL)");
    }
  }

  @Override
  public void beginStreaming(Connection connection) throws SQLException {
    // pgjdbc only uses a server-side cursor (honouring the fetch size) inside a transaction.
    connection.setAutoCommit(false);
  }

  @Override
  public ColumnReader reader(ResultSetMetaData md, int column) throws SQLException {
    if (md.getColumnType(column) == Types.TIMESTAMP && "timestamptz".equalsIgnoreCase(md.getColumnTypeName(column))) {
      return (rs, i) -> rs.getObject(i, OffsetDateTime.class);
    }
    return super.reader(md, column);
  }

  @Override
  public boolean holdsInstants(ResultSetMetaData md, int column) throws SQLException {
    return super.holdsInstants(md, column) || "timestamptz".equalsIgnoreCase(md.getColumnTypeName(column));
  }

  @Override
  public String timestampType() {
    return "TIMESTAMPTZ";
  }

  @Override
  public String textType() {
    return "TEXT";
  }

  @Override
  public String now() {
    return "CURRENT_TIMESTAMP";
  }

  @Override
  public String nowPlusMillis() {
    return "(CURRENT_TIMESTAMP + ? * INTERVAL '1 millisecond')";
  }

  @Override
  public boolean supportsSkipLocked() {
    return true;
  }

  @Override
  public boolean supportsUpdateReturning() {
    return true;
  }

  @Override
  public Optional<String> rowAddress() {
    return Optional.of("ctid");
  }

  @Override
  public boolean supportsDataModifyingWith() {
    return true;
  }

  @Override
  public String jsonArrayElementsSql(String jsonText) {
    return "json_array_elements_text(CAST(" + jsonText + " AS json))";
  }

  @Override
  public void lockMigrations(Connection connection, String name) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_lock(?)")) {
      ps.setLong(1, lockKey(name));
      ps.executeQuery().close();
    }
  }

  @Override
  public void unlockMigrations(Connection connection, String name) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
      ps.setLong(1, lockKey(name));
      ps.executeQuery().close();
    }
  }

  private static long lockKey(String name) {
    long h = 1125899906842597L;
    for (int i = 0; i < name.length(); i++) {
      h = 31 * h + name.charAt(i);
    }
    return h;
  }

  @Override
  public FailureClassifier.Kind classify(SQLException e) {
    String state = e.getSQLState();
    if (state == null) {
      return FailureClassifier.Kind.UNKNOWN;
    }
    return switch (state) {
      // statement timeout or cancel; the session ended (pg_terminate_backend, shutdown, starting up);
      // too many connections: all about the server's state now, not about the statement
      case "57014", "57P01", "57P02", "57P03", "53300" -> FailureClassifier.Kind.TRANSIENT;
      // lock_not_available (lock_timeout, NOWAIT)
      case "55P03" -> FailureClassifier.Kind.CONFLICT;
      default -> FailureClassifier.Kind.UNKNOWN;
    };
  }

  @Override
  public List<String> referencingTables(Connection connection, @Nullable String schema, String table)
      throws SQLException {
    return strings(connection, "SELECT c.conrelid::regclass::text || ' (' || c.conname || ')' FROM pg_constraint c"
        + " WHERE c.contype = 'f' AND c.confrelid = to_regclass(CAST(? AS text)) AND c.conrelid <> c.confrelid"
        + " ORDER BY 1", qualified(schema, table));
  }

  @Override
  public List<String> triggers(Connection connection, @Nullable String schema, String table) throws SQLException {
    return strings(connection, "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(CAST(? AS text))"
        + " AND NOT tgisinternal ORDER BY 1", qualified(schema, table));
  }

  @Override
  public List<String> generatedColumns(Connection connection, @Nullable String schema, String table)
      throws SQLException {
    // attgenerated exists from PostgreSQL 12 on; identity columns are written with OVERRIDING SYSTEM VALUE.
    return strings(connection, "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(CAST(? AS text))"
        + " AND attnum > 0 AND NOT attisdropped AND attgenerated <> '' ORDER BY attnum", qualified(schema, table));
  }

  @Override
  public String copyRowsSql(String live, String shadow, String columns) {
    return "INSERT INTO " + live + " (" + columns + ") OVERRIDING SYSTEM VALUE SELECT " + columns + " FROM " + shadow;
  }

  @Override
  public Optional<String> lockForSwapSql(String live) {
    return Optional.of("LOCK TABLE " + live + " IN EXCLUSIVE MODE");
  }

  private static List<String> strings(Connection connection, String sql, String parameter) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setString(1, parameter);
      List<String> out = new ArrayList<>();
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    }
  }

  @Override
  public boolean tryLock(Connection connection, String name) throws SQLException {
    return booleanOf(connection, "SELECT pg_try_advisory_lock(hashtextextended(?, 0))", name);
  }

  @Override
  public void unlock(Connection connection, String name) throws SQLException {
    booleanOf(connection, "SELECT pg_advisory_unlock(hashtextextended(?, 0))", name);
  }

  @Override
  public String lockKind() {
    return "PostgreSQL advisory lock";
  }

  private static boolean booleanOf(Connection connection, String sql, String parameter) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setString(1, parameter);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Native partitions

  private static final java.util.regex.Pattern RANGE_BOUND =
      java.util.regex.Pattern.compile("FOR VALUES FROM \\((.*)\\) TO \\((.*)\\)");
  private static final java.util.regex.Pattern LIST_BOUND = java.util.regex.Pattern.compile("FOR VALUES IN \\((.*)\\)");

  /** A slice's partitions are emptied with {@code TRUNCATE}, transactional on PostgreSQL. */
  @Override
  public TablePartitions.Replacement partitionReplacement() {
    return TablePartitions.Replacement.TRUNCATE;
  }

  /** Reads {@code pg_partitioned_table} and the children's bounds from {@code pg_inherits}. */
  @Override
  public Optional<TablePartitions> partitions(Connection connection, @Nullable String schema, String table)
      throws SQLException {
    String method;
    String column;
    try (PreparedStatement ps = connection.prepareStatement("SELECT pt.partstrat, (SELECT a.attname FROM pg_attribute a"
        + " WHERE a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0] AND pt.partnatts = 1)"
        + " FROM pg_partitioned_table pt WHERE pt.partrelid = to_regclass(CAST(? AS text))")) {
      ps.setString(1, qualified(schema, table));
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        String strategy = rs.getString(1);
        method = switch (strategy) {
          case "r" -> "range";
          case "l" -> "list";
          case "h" -> "hash";
          default -> strategy;
        };
        column = rs.getString(2);
      }
    }
    List<TablePartitions.Part> parts = new ArrayList<>();
    List<String> obstacles = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement("SELECT c.oid::regclass::text, pg_get_expr(c.relpartbound,"
        + " 0), has_table_privilege(c.oid, 'TRUNCATE'), EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid"
        + " AND NOT t.tgisinternal) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        + " WHERE i.inhparent = to_regclass(CAST(? AS text)) ORDER BY 1")) {
      ps.setString(1, qualified(schema, table));
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(1);
          String bound = rs.getString(2);
          if (!rs.getBoolean(3)) {
            obstacles.add("the user lacks the TRUNCATE privilege on partition " + name);
          }
          if (rs.getBoolean(4)) {
            obstacles.add("partition " + name + " has triggers (TRUNCATE would not fire them)");
          }
          parts.add(partOf(name, bound));
        }
      }
    }
    return Optional.of(new TablePartitions(method, column, parts, obstacles));
  }

  private static TablePartitions.Part partOf(String name, String bound) {
    java.util.regex.Matcher range = RANGE_BOUND.matcher(bound);
    if (range.matches()) {
      List<@Nullable String> from = TablePartitions.literals(range.group(1));
      List<@Nullable String> to = TablePartitions.literals(range.group(2));
      return new TablePartitions.Part(name, name, from.size() == 1 ? from.get(0) : null,
          to.size() == 1 ? to.get(0) : null, List.of(), false);
    }
    java.util.regex.Matcher list = LIST_BOUND.matcher(bound);
    if (list.matches()) {
      List<String> values = TablePartitions.literals(list.group(1)).stream()
          .map(v -> v == null ? "NULL" : v).toList();
      return new TablePartitions.Part(name, name, null, null, values, false);
    }
    return new TablePartitions.Part(name, name, null, null, List.of(), bound.trim().equalsIgnoreCase("DEFAULT"));
  }

  @Override
  public String truncatePartitionsSql(String table, List<String> partitions) {
    return "TRUNCATE TABLE " + String.join(", ", partitions);
  }

  /** A temporary table dropped at commit, filled by COPY; an identity column keeps the load's order. */
  @Override
  public List<String> mergeStageSql(String table, String stage, List<String> columns) {
    return List.of("CREATE TEMPORARY TABLE " + stage + " ON COMMIT DROP AS SELECT " + quoteAll(columns) + " FROM " + table
        + " WITH NO DATA", "ALTER TABLE " + stage + " ADD COLUMN " + quote("bfx_seq") + " BIGINT GENERATED ALWAYS AS IDENTITY");
  }
}
