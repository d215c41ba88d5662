package dev.backfill.jdbc.dialect;

import static java.util.Objects.requireNonNull;

import dev.backfill.BackfillException;
import dev.backfill.InvalidConfigurationException;
import dev.backfill.spi.FailureClassifier;
import dev.backfill.spi.Redaction;
import dev.backfill.Slice;
import dev.backfill.TimeWindow;
import java.math.BigDecimal;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * What differs between SQL engines, one subclass per engine: {@link H2Dialect},
 * {@link PostgresDialect} and {@link MariaDbDialect} (which also covers MySQL). The JDBC sources,
 * destinations and the state store ask their dialect for every piece of SQL that is not plain ANSI,
 * so no other class checks which engine it talks to.
 *
 * <p>A dialect is detected from the connection's metadata ({@link #detect(DataSource)}) unless set
 * explicitly, e.g. {@code JdbcDestination.table(ds, "mart.daily").dialect(new PostgresDialect())}.
 *
 * <p><b>Identifiers</b> (schemas, tables, columns) from configuration must be plain SQL names: ASCII
 * letters, digits and underscores, starting with a letter or underscore. Anything else (quotes,
 * semicolons, comment markers, whitespace) is rejected with an {@link InvalidConfigurationException}
 * naming the value. Accepted names are treated as unquoted names would be by the engine (H2 stores
 * them upper-case, PostgreSQL lower-case, MariaDB as written) and then quoted, so reserved words such
 * as {@code day}, {@code key} or {@code value} work as column names.
 *
 * <p><b>Values</b> (tokens, record values) are always bound as parameters; see {@link #bind}.
 *
 * <p>Methods below the identifier helpers are used by the adapter's internals; applications only
 * construct or detect a dialect.
 */
public abstract class Dialect {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final String EXPECTED = "expected letters, digits and underscores, starting with a letter or underscore"
      + " (e.g. daily_revenue)";

  /** How an engine stores names that were written without quotes. */
  protected enum IdentifierCase {
    /** Folded to upper case (H2, the SQL standard). */
    UPPER,
    /** Folded to lower case (PostgreSQL). */
    LOWER,
    /** Kept as written (MariaDB, MySQL). */
    AS_IS
  }

  private final IdentifierCase identifierCase;
  /** Most identifiers {@link #quote} remembers. */
  private static final int MAX_QUOTED = 1024;
  /**
   * Identifiers already checked and quoted: statements of the state store and the slice writer are
   * built for every slice, and the check is a regular expression.
   */
  private final Map<String, String> quotedNames = new ConcurrentHashMap<>();

  /**
   * Creates a dialect.
   *
   * @param identifierCase how the engine stores unquoted names
   */
  protected Dialect(IdentifierCase identifierCase) {
    this.identifierCase = requireNonNull(identifierCase, "identifierCase");
  }

  /**
   * Detects the dialect of a data source from its connection metadata.
   *
   * @param dataSource the data source
   * @return its dialect
   * @throws InvalidConfigurationException for an unsupported engine
   * @throws BackfillException when no connection can be opened
   */
  public static Dialect detect(DataSource dataSource) {
    try (Connection c = dataSource.getConnection()) {
      return of(c);
    } catch (SQLException e) {
      throw new BackfillException("cannot open a connection to the database (needed to detect its SQL dialect): "
          + Redaction.redact(e.getMessage()), e);
    }
  }

  /**
   * Detects the dialect of an open connection from its metadata.
   *
   * @param connection the connection
   * @return its dialect
   * @throws SQLException when the metadata cannot be read
   * @throws InvalidConfigurationException for an unsupported engine
   */
  public static Dialect of(Connection connection) throws SQLException {
    DatabaseMetaData md = connection.getMetaData();
    String product = md.getDatabaseProductName();
    String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
    if (p.contains("postgres")) {
      return new PostgresDialect();
    }
    if (p.contains("mariadb") || p.contains("mysql")) {
      return MariaDbDialect.forServer(p.contains("mariadb") || md.getDatabaseProductVersion().toLowerCase(Locale.ROOT)
          .contains("mariadb"), md.getDatabaseMajorVersion(), md.getDatabaseMinorVersion());
    }
    if (p.equals("h2")) {
      return md.storesLowerCaseIdentifiers() ? new H2Dialect(IdentifierCase.LOWER) : new H2Dialect();
    }
    throw new InvalidConfigurationException("database '" + product + "' is not supported by backfill-jdbc; supported are"
        + " H2, PostgreSQL, MariaDB and MySQL. Set a dialect explicitly (e.g. .dialect(new PostgresDialect())) if the"
        + " engine speaks one of these");
  }

  /**
   * Returns the engine's name, for messages.
   *
   * @return e.g. {@code PostgreSQL}
   */
  public abstract String name();

  @Override
  public String toString() {
    return name();
  }

  // ---------------------------------------------------------------------------------------------
  // Identifiers

  /**
   * Checks that a configured name is a plain SQL identifier.
   *
   * @param value the name
   * @param what what it names, for the message (e.g. "column name")
   * @return the value
   * @throws InvalidConfigurationException naming the value and what is wrong with it
   */
  public static String checkIdentifier(@Nullable String value, String what) {
    if (value == null || value.isEmpty()) {
      throw new InvalidConfigurationException(what + " is empty; " + EXPECTED);
    }
    if (!IDENTIFIER.matcher(value).matches()) {
      throw new InvalidConfigurationException(what + " '" + value + "' is not a safe SQL identifier: it contains "
          + offence(value) + "; " + EXPECTED);
    }
    if (value.length() > 128) {
      throw new InvalidConfigurationException(what + " '" + value + "' is " + value.length()
          + " characters long; expected at most 128");
    }
    return value;
  }

  /**
   * Checks a table name, optionally qualified by a schema ({@code schema.table}).
   *
   * @param value the name
   * @param what what it names, for the message
   * @return its parts: {@code [table]} or {@code [schema, table]}
   * @throws InvalidConfigurationException naming the value and what is wrong with it
   */
  public static List<String> checkQualifiedName(@Nullable String value, String what) {
    if (value == null || value.isEmpty()) {
      throw new InvalidConfigurationException(what + " is empty; expected a table name such as daily_revenue or"
          + " mart.daily_revenue");
    }
    String[] parts = value.split("\\.", -1);
    if (parts.length > 2) {
      throw new InvalidConfigurationException(what + " '" + value + "' has " + parts.length
          + " dot-separated parts; expected table or schema.table");
    }
    List<String> out = new ArrayList<>(parts.length);
    for (String part : parts) {
      if (part.isEmpty() || !IDENTIFIER.matcher(part).matches()) {
        throw new InvalidConfigurationException(what + " '" + value + "' is not a safe SQL name: "
            + (part.isEmpty() ? "it has an empty part" : "it contains " + offence(part))
            + "; expected table or schema.table, each part of letters, digits and underscores (e.g. mart.daily_revenue)");
      }
      out.add(checkIdentifier(part, what));
    }
    return List.copyOf(out);
  }

  private static String offence(String value) {
    if (value.contains("--")) {
      return "the comment marker '--'";
    }
    if (value.contains("/*") || value.contains("*/")) {
      return "a comment marker ('/*' or '*/')";
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isWhitespace(c)) {
        return "whitespace at position " + (i + 1);
      }
      if (c == '\'' || c == '"' || c == '`') {
        return "the quote " + c + " at position " + (i + 1);
      }
      if (c == ';') {
        return "a semicolon at position " + (i + 1);
      }
      if (i == 0 && Character.isDigit(c)) {
        return "a leading digit";
      }
      if (!(c == '_' || (c < 128 && Character.isLetterOrDigit(c)))) {
        return "the character '" + c + "' at position " + (i + 1);
      }
    }
    return "an unexpected character";
  }

  /**
   * Returns the longest identifier the engine accepts.
   *
   * @return maximum length in characters
   */
  protected abstract int maxIdentifierLength();

  /**
   * Returns how a quoted identifier starts and ends.
   *
   * @return the quote character
   */
  protected char quoteChar() {
    return '"';
  }

  /**
   * Folds a checked identifier the way the engine stores unquoted names.
   *
   * @param identifier a checked identifier
   * @return the stored form
   */
  public String fold(String identifier) {
    return switch (identifierCase) {
      case UPPER -> identifier.toUpperCase(Locale.ROOT);
      case LOWER -> identifier.toLowerCase(Locale.ROOT);
      case AS_IS -> identifier;
    };
  }

  /**
   * Checks, folds and quotes one identifier.
   *
   * @param identifier the name
   * @return the quoted name, safe to put into SQL
   * @throws InvalidConfigurationException if it is not a safe identifier or too long for the engine
   */
  public String quote(String identifier) {
    String quoted = identifier == null ? null : quotedNames.get(identifier);
    if (quoted != null) {
      return quoted;
    }
    checkIdentifier(identifier, "identifier");
    if (identifier.length() > maxIdentifierLength()) {
      throw new InvalidConfigurationException("identifier '" + identifier + "' is " + identifier.length()
          + " characters long; " + name() + " accepts at most " + maxIdentifierLength());
    }
    char q = quoteChar();
    quoted = q + fold(identifier) + q;
    if (quotedNames.size() >= MAX_QUOTED) {
      quotedNames.clear(); // names made up per run (staging and shadow tables) must not pile up
    }
    quotedNames.put(identifier, quoted);
    return quoted;
  }

  /**
   * Checks and quotes a table name, optionally qualified by a schema.
   *
   * @param qualifiedName {@code table} or {@code schema.table}
   * @return the quoted name
   */
  public String quoteQualified(String qualifiedName) {
    StringJoiner j = new StringJoiner(".");
    for (String part : checkQualifiedName(qualifiedName, "table name")) {
      j.add(quote(part));
    }
    return j.toString();
  }

  /**
   * Quotes a list of identifiers, comma-separated.
   *
   * @param identifiers names
   * @return {@code "a", "b"}
   */
  public String quoteAll(List<String> identifiers) {
    StringJoiner j = new StringJoiner(", ");
    for (String c : identifiers) {
      j.add(quote(c));
    }
    return j.toString();
  }

  /**
   * Normalises a column label read from a result set so that rows carry the names users wrote: on
   * engines that fold unquoted names to upper case, an all-upper-case label becomes lower case.
   *
   * @param label the driver's column label
   * @return the name used in {@link dev.backfill.Row}s
   */
  public String columnLabel(String label) {
    if (identifierCase == IdentifierCase.UPPER && label.equals(label.toUpperCase(Locale.ROOT))) {
      return label.toLowerCase(Locale.ROOT);
    }
    return label;
  }

  /**
   * Returns the lexical rules of the engine's SQL, used to find named parameters.
   *
   * @return the rules
   */
  public SqlSyntax sqlSyntax() {
    return new SqlSyntax(false, false, false, false, false);
  }

  // ---------------------------------------------------------------------------------------------
  // DML

  /**
   * A statement with its parameters in order.
   *
   * @param text SQL text with {@code ?} placeholders
   * @param params values to bind, in order
   */
  public record Sql(String text, List<Object> params) {
    /**
     * Creates a statement.
     *
     * @param text SQL
     * @param params parameters
     */
    public Sql {
      requireNonNull(text, "text");
      params = List.copyOf(params);
    }
  }

  /**
   * Returns a batched insert.
   *
   * @param table quoted table
   * @param columns column names (unquoted)
   * @return {@code INSERT INTO t (a, b) VALUES (?, ?)}
   */
  public String insertSql(String table, List<String> columns) {
    return "INSERT INTO " + table + " (" + quoteAll(columns) + ") VALUES (" + placeholders(columns.size()) + ")";
  }

  /**
   * Offers a faster path than batched {@code INSERT} for the plain inserts of a slice (append,
   * overwrite after its delete, full rebuild), on the slice's connection and in its transaction.
   * The default offers none.
   *
   * @param c the slice's connection
   * @param table quoted table
   * @param columns column names (validated), in the order of each row's values
   * @return the bulk path, or empty for batched inserts
   * @throws SQLException if the engine cannot be asked
   */
  public Optional<BulkInsert> bulkInsert(Connection c, String table, List<String> columns) throws SQLException {
    return Optional.empty();
  }

  /**
   * Offers statements that carry many rows each, for a merging slice's upserts, where the engine runs
   * one of them much faster than a batch of one-row upserts. The default offers none (batches).
   *
   * @param c the slice's connection (to read the server's limits)
   * @return the multi-row statements and their limits, or empty
   * @throws SQLException if the limits cannot be read
   */
  public Optional<MultiRowSql> multiRowSql(Connection c) throws SQLException {
    return Optional.empty();
  }

  /**
   * Returns an {@code INSERT ... SELECT} of a query's columns.
   *
   * @param table quoted table
   * @param columns column names of the query and the table
   * @param query the query, already with {@code ?} placeholders
   * @return the statement
   */
  public String insertSelectSql(String table, List<String> columns, String query) {
    return "INSERT INTO " + table + " (" + quoteAll(columns) + ") SELECT " + quoteAll(columns) + " FROM (" + query
        + ") " + quote("bf_q");
  }

  /**
   * Returns an upsert of one row of values keyed by {@code keys}: rows with the same key values are
   * updated ({@code updateColumns} only), others inserted. Last write wins.
   *
   * @param table quoted table
   * @param columns every column, in parameter order
   * @param keys key columns (a subset of {@code columns}); they need a primary key or unique
   *     constraint (see {@link #uniqueKeys})
   * @param updateColumns columns overwritten when the key exists
   * @return the statement with one placeholder per column
   */
  public final String upsertSql(String table, List<String> columns, List<String> keys, List<String> updateColumns) {
    return upsertSql(table, columns, keys, updateColumns, null);
  }

  /**
   * Returns an upsert of one row of values keyed by {@code keys}: rows with the same key values are
   * updated ({@code updateColumns} only), others inserted. With {@code newerBy}, an existing row is
   * only updated when its {@code newerBy} value is not greater than the incoming one
   * ({@code existing <= incoming}; a null on either side leaves the existing row), decided by the
   * statement itself, atomically per row.
   *
   * @param table quoted table
   * @param columns every column, in parameter order
   * @param keys key columns (a subset of {@code columns})
   * @param updateColumns columns overwritten when the key exists
   * @param newerBy column of {@code updateColumns} that orders versions of a row, or null for last
   *     write wins
   * @return the statement with one placeholder per column
   */
  public abstract String upsertSql(String table, List<String> columns, List<String> keys, List<String> updateColumns,
      @Nullable String newerBy);

  /**
   * Returns an upsert of a query's rows keyed by {@code keys}, updating every non-key column; with
   * {@code newerBy} only rows that are not newer than the incoming ones (as
   * {@link #upsertSql(String, List, List, List, String)}).
   *
   * @param table quoted table
   * @param columns column names of the query and the table
   * @param keys key columns
   * @param query the query, already with {@code ?} placeholders
   * @param newerBy column ordering versions of a row, or null for last write wins
   * @return the statement
   */
  public abstract String upsertSelectSql(String table, List<String> columns, List<String> keys, String query,
      @Nullable String newerBy);

  /**
   * Returns the non-key columns of an upsert with {@code newerBy} moved last: engines that evaluate
   * assignments in order (MariaDB) must compare against the old ordering value in every assignment.
   *
   * @param updateColumns columns overwritten when the key exists
   * @param newerBy ordering column, or null
   * @return the columns, {@code newerBy} last
   */
  protected static List<String> orderingLast(List<String> updateColumns, @Nullable String newerBy) {
    if (newerBy == null) {
      return updateColumns;
    }
    List<String> out = new ArrayList<>();
    String ordering = null;
    for (String c : updateColumns) {
      if (c.equalsIgnoreCase(newerBy)) {
        ordering = c;
      } else {
        out.add(c);
      }
    }
    out.add(ordering == null ? newerBy : ordering);
    return out;
  }

  /**
   * Returns a delete of the rows whose columns lie in a slice's spans: {@code col = ?} for a single
   * value, {@code col BETWEEN ? AND ?} for a batch of partitions.
   *
   * @param table quoted table
   * @param spans span per column
   * @return the statement and its parameters
   */
  public final Sql deleteSpan(String table, Map<String, Slice.Span> spans) {
    return deleteSpan(table, spans, Map.of());
  }

  /**
   * Returns a delete of a slice's rows: a column that holds instants and stores a time dimension
   * selects the slice's window ({@code col >= ? AND col < ?}, the exact instants of
   * {@code [start_ts, end_ts)}, so the two hours repeated in autumn stay apart); any other column its
   * span of values ({@code col = ?}, or {@code col BETWEEN ? AND ?} for a batch).
   *
   * @param table quoted table
   * @param spans span per column
   * @param windows the slice's window for the columns that hold instants
   * @return the statement and its parameters
   */
  public Sql deleteSpan(String table, Map<String, Slice.Span> spans, Map<String, TimeWindow> windows) {
    StringJoiner where = new StringJoiner(" AND ");
    List<Object> params = new ArrayList<>();
    spans.forEach((column, span) -> {
      TimeWindow window = windows.get(column);
      if (window != null) {
        where.add(quote(column) + " >= ? AND " + quote(column) + " < ?");
        params.add(window.startOffsetDateTime());
        params.add(window.endOffsetDateTime());
      } else if (span.single()) {
        where.add(quote(column) + " = ?");
        params.add(span.first());
      } else {
        where.add(quote(column) + " BETWEEN ? AND ?");
        params.add(span.first());
        params.add(span.last());
      }
    });
    return new Sql("DELETE FROM " + table + " WHERE " + where, params);
  }

  /**
   * Tells whether a column holds instants (a point on the time line, whatever the zone), so that a
   * slice's rows in it are selected by the slice's window; otherwise it holds local values.
   *
   * @param md metadata of a result with the column
   * @param column 1-based column index
   * @return true for {@code TIMESTAMP WITH TIME ZONE} (and each engine's equivalent)
   * @throws SQLException on failure
   */
  public boolean holdsInstants(ResultSetMetaData md, int column) throws SQLException {
    return md.getColumnType(column) == Types.TIMESTAMP_WITH_TIMEZONE;
  }

  /**
   * Returns {@code n} comma-separated placeholders.
   *
   * @param n count
   * @return {@code ?, ?, ?}
   */
  protected static String placeholders(int n) {
    StringJoiner j = new StringJoiner(", ");
    for (int i = 0; i < n; i++) {
      j.add("?");
    }
    return j.toString();
  }

  /**
   * Returns every column that is not a key.
   *
   * @param columns columns
   * @param keys keys
   * @return non-key columns, in order
   */
  protected static List<String> nonKeys(List<String> columns, List<String> keys) {
    List<String> keysLower = keys.stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
    return columns.stream().filter(c -> !keysLower.contains(c.toLowerCase(Locale.ROOT))).toList();
  }

  // ---------------------------------------------------------------------------------------------
  // Tables

  /**
   * Creates an empty shadow table shaped like a table (columns, and as much of its constraints and
   * indexes as the engine can copy).
   *
   * @param connection connection in auto-commit mode
   * @param schema unquoted schema of both tables, or null for the current one
   * @param table unquoted live table
   * @param shadow unquoted shadow table to create
   * @throws SQLException on failure
   */
  public abstract void createShadow(Connection connection, @Nullable String schema, String table, String shadow)
      throws SQLException;

  /**
   * Returns {@code DROP TABLE IF EXISTS}.
   *
   * @param table quoted table
   * @return the DDL
   */
  public String dropTableIfExistsSql(String table) {
    return "DROP TABLE IF EXISTS " + table;
  }

  /**
   * Tells whether a table exists.
   *
   * @param connection an open connection
   * @param schema unquoted schema, or null for the connection's current one
   * @param table unquoted table
   * @return true when it exists
   * @throws SQLException on failure
   */
  public boolean tableExists(Connection connection, @Nullable String schema, String table) throws SQLException {
    String q = "SELECT 1 FROM " + (schema == null ? "" : quote(schema) + ".") + quote(table) + " WHERE 1 = 0";
    // Probing the table itself avoids each driver's idea of catalogs and schemas in DatabaseMetaData.
    boolean autoCommit = connection.getAutoCommit();
    try (Statement s = connection.createStatement()) {
      s.executeQuery(q).close();
      return true;
    } catch (SQLException e) {
      if (!autoCommit) {
        connection.rollback();
      }
      if (isMissingTable(e)) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Tells whether a failure says a table does not exist.
   *
   * @param e the failure
   * @return true for "no such table"
   */
  protected boolean isMissingTable(SQLException e) {
    return "42S02".equals(e.getSQLState()) || "42P01".equals(e.getSQLState());
  }

  /**
   * Quotes a bare name, qualified by a schema when one is given.
   *
   * @param schema unquoted schema, or null
   * @param name unquoted bare name
   * @return {@code "schema"."name"} or {@code "name"}
   */
  public String qualified(@Nullable String schema, String name) {
    return (schema == null ? "" : quote(schema) + ".") + quote(name);
  }

  // ---------------------------------------------------------------------------------------------
  // Catalog: what preflight checks before any slice runs

  /**
   * Returns the unique keys of a table that an upsert keyed by exactly their columns can rely on: the
   * primary key and every unique constraint or unique index (on PostgreSQL only valid ones without a
   * predicate or expressions, as {@code ON CONFLICT} needs).
   *
   * @param connection an open connection
   * @param schema unquoted schema as configured, or null for the connection's current one
   * @param table unquoted table as configured
   * @return the column names of each key, as the engine stores them; empty when there is none
   * @throws SQLException on failure
   */
  public abstract List<List<String>> uniqueKeys(Connection connection, @Nullable String schema, String table)
      throws SQLException;

  /**
   * Tells whether a unique key other than the one an upsert names also makes it update instead of
   * insert (MariaDB's {@code ON DUPLICATE KEY UPDATE} reacts to any unique key), so preflight warns
   * about the table's other unique keys.
   *
   * @return true on MariaDB and MySQL
   */
  public boolean anyUniqueKeyTriggersUpsert() {
    return false;
  }

  /**
   * How an engine compares a text column: an SQL expression that turns a bound parameter into a
   * value compared the way the column compares its values.
   *
   * @param parameter the expression, with one {@code ?} (e.g. {@code CONVERT(? USING utf8mb4) COLLATE
   *     utf8mb4_general_ci})
   * @param description the comparison in words, for messages (e.g. {@code collation utf8mb4_general_ci})
   */
  public record TextComparison(String parameter, String description) {
    /**
     * Creates the value.
     *
     * @param parameter SQL expression with one placeholder
     * @param description in words
     */
    public TextComparison {
      requireNonNull(parameter, "parameter");
      requireNonNull(description, "description");
    }
  }

  /**
   * Returns how a column of a table compares text (its collation or type), so that preflight can ask
   * the database whether two partition keys would be equal in it.
   *
   * @param connection an open connection
   * @param schema unquoted schema as configured, or null for the current one
   * @param table unquoted table as configured
   * @param column unquoted column as configured
   * @return the comparison, or empty when the column does not exist or holds no text
   * @throws SQLException on failure
   */
  public abstract Optional<TextComparison> textComparison(Connection connection, @Nullable String schema, String table,
      String column) throws SQLException;

  /**
   * Prepares a catalog query whose parameters are a schema (null for the current one) and then
   * names, each bound as the engine stores unquoted names.
   *
   * @param connection an open connection
   * @param sql the query, its first parameter the schema
   * @param schema unquoted schema as configured, or null
   * @param names unquoted table, column, ... as configured
   * @return the statement, parameters bound; the caller closes it
   * @throws SQLException on failure
   */
  protected PreparedStatement catalogQuery(Connection connection, String sql, @Nullable String schema, String... names)
      throws SQLException {
    PreparedStatement ps = connection.prepareStatement(sql);
    ps.setString(1, schema == null ? null : fold(schema));
    for (int i = 0; i < names.length; i++) {
      ps.setString(i + 2, fold(names[i]));
    }
    return ps;
  }

  /**
   * Runs a catalog query (see {@link #catalogQuery}) and returns its first column.
   *
   * @param connection an open connection
   * @param sql the query, its first parameter the schema
   * @param schema unquoted schema as configured, or null
   * @param names unquoted names as configured
   * @return the values of the first column
   * @throws SQLException on failure
   */
  protected List<String> catalogStrings(Connection connection, String sql, @Nullable String schema, String... names)
      throws SQLException {
    try (PreparedStatement ps = catalogQuery(connection, sql, schema, names); ResultSet rs = ps.executeQuery()) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    }
  }

  /**
   * Quotes a name read from the database's catalog, as stored, with double quotes.
   *
   * @param stored the name as the catalog holds it
   * @return the quoted name, inner quotes doubled
   */
  protected static String quoteStored(String stored) {
    return '"' + stored.replace("\"", "\"\"") + '"';
  }

  /**
   * Groups the rows of a catalog query selecting (key name, column name), ordered by key, into
   * column lists.
   *
   * @param ps the prepared query, parameters bound
   * @return one list of columns per key, in the query's order
   * @throws SQLException on failure
   */
  protected static List<List<String>> columnsByKey(PreparedStatement ps) throws SQLException {
    Map<String, List<String>> keys = new java.util.LinkedHashMap<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        keys.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
      }
    }
    return keys.values().stream().map(List::copyOf).toList();
  }

  /**
   * Names, for messages, the engine's column type that holds instants.
   *
   * @return e.g. {@code timestamptz}
   */
  public String instantColumnType() {
    return "TIMESTAMP WITH TIME ZONE";
  }

  // ---------------------------------------------------------------------------------------------
  // Transactions and streaming

  /**
   * Starts a read-write transaction on a fresh connection: a slice writer's, or one of the state
   * store's. Engines whose default isolation locks more than the rows a statement uses (MariaDB's
   * REPEATABLE READ) ask for READ COMMITTED here. The caller restores the connection's auto-commit
   * (and its isolation where {@link #beginWriteChangesIsolation} says so) before returning it.
   *
   * @param connection the connection
   * @throws SQLException on failure
   */
  public void beginWrite(Connection connection) throws SQLException {
    connection.setAutoCommit(false);
  }

  /**
   * Commits a transaction begun by {@link #beginWrite}. The default calls {@code commit()}, and the
   * caller then puts auto-commit back. Where the driver sends each auto-commit switch as a statement
   * of its own (MariaDB), a connection that goes back to auto-commit right away is committed by that
   * switch instead: JDBC commits a transaction whose connection is switched to auto-commit, so one
   * round trip does both.
   *
   * @param connection the connection, auto-commit off
   * @param autoCommitAfter whether the caller puts the connection back in auto-commit right after
   * @throws SQLException when the commit fails (whether it took effect is then unknown, as for
   *     {@code commit()})
   */
  public void commitWrite(Connection connection, boolean autoCommitAfter) throws SQLException {
    connection.commit();
  }

  /**
   * Prepares a connection for streaming a large result (PostgreSQL only streams with auto-commit off).
   *
   * @param connection the reading connection
   * @throws SQLException on failure
   */
  public void beginStreaming(Connection connection) throws SQLException {}

  /**
   * Ends streaming on a connection before it goes back to its pool.
   *
   * @param connection the reading connection
   * @throws SQLException on failure
   */
  public void endStreaming(Connection connection) throws SQLException {}

  /**
   * Sets a statement up to stream rows instead of buffering the whole result.
   *
   * @param statement the statement
   * @param fetchSize rows per round trip
   * @throws SQLException on failure
   */
  public void streamResults(Statement statement, int fetchSize) throws SQLException {
    statement.setFetchSize(fetchSize);
  }

  /**
   * Stops a streaming query whose rows are no longer wanted (the slice failed or was cancelled)
   * before its result is closed. The default does nothing: closing the result is enough.
   *
   * @param statement the streaming statement
   */
  public void abandonStream(Statement statement) {}

  // ---------------------------------------------------------------------------------------------
  // Values

  /**
   * Binds a value, for tokens and record values alike: dates ({@link LocalDate}), local date-times,
   * times, instants ({@link OffsetDateTime}, {@link ZonedDateTime}, {@link Instant}; see
   * {@link #bindInstant(PreparedStatement, int, OffsetDateTime)}), numbers, text, booleans and
   * {@code null}. Enums bind as their name; other types go to {@code setObject}.
   *
   * @param ps the statement
   * @param index 1-based parameter index
   * @param value the value
   * @throws SQLException on failure
   */
  public void bind(PreparedStatement ps, int index, @Nullable Object value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.NULL);
    } else if (value instanceof String s) {
      ps.setString(index, s);
    } else if (value instanceof Long l) {
      ps.setLong(index, l);
    } else if (value instanceof Integer i) {
      ps.setInt(index, i);
    } else if (value instanceof BigDecimal d) {
      ps.setBigDecimal(index, d);
    } else if (value instanceof OffsetDateTime t) {
      bindInstant(ps, index, t);
    } else if (value instanceof ZonedDateTime t) {
      bindInstant(ps, index, t.toOffsetDateTime());
    } else if (value instanceof Instant t) {
      bindInstant(ps, index, t.atOffset(ZoneOffset.UTC));
    } else if (value instanceof LocalDate || value instanceof LocalDateTime || value instanceof LocalTime) {
      ps.setObject(index, value);
    } else if (value instanceof Enum<?> e) {
      ps.setString(index, e.name());
    } else {
      ps.setObject(index, value);
    }
  }

  /**
   * Binds a point in time, such as the {@code start_ts} and {@code end_ts} tokens, so that it means
   * the same instant whatever the session's time zone. The default binds a
   * {@code TIMESTAMP WITH TIME ZONE}, which compares exactly with zoned columns; the engine compares it
   * with columns without zone in the session's time zone.
   *
   * @param ps the statement
   * @param index 1-based parameter index
   * @param value the instant with its offset
   * @throws SQLException on failure
   */
  public void bindInstant(PreparedStatement ps, int index, OffsetDateTime value) throws SQLException {
    ps.setObject(index, value);
  }

  /**
   * Returns a reader of one column that converts the driver's values to {@code java.time} types
   * ({@code DATE} to {@link LocalDate}, {@code TIMESTAMP} to {@link LocalDateTime}, zoned timestamps
   * to {@link OffsetDateTime}, {@code TIME} to {@link LocalTime}, character LOBs to text).
   *
   * @param md the result's metadata
   * @param column 1-based column index
   * @return the reader
   * @throws SQLException on failure
   */
  public ColumnReader reader(ResultSetMetaData md, int column) throws SQLException {
    return switch (md.getColumnType(column)) {
      case Types.DATE -> (rs, i) -> rs.getObject(i, LocalDate.class);
      case Types.TIMESTAMP -> (rs, i) -> rs.getObject(i, LocalDateTime.class);
      case Types.TIMESTAMP_WITH_TIMEZONE -> (rs, i) -> rs.getObject(i, OffsetDateTime.class);
      case Types.TIME -> (rs, i) -> rs.getObject(i, LocalTime.class);
      case Types.CLOB, Types.NCLOB -> (rs, i) -> rs.getString(i);
      default -> ResultSet::getObject;
    };
  }

  /** Reads one column of the current row. */
  @FunctionalInterface
  public interface ColumnReader {
    /**
     * Reads the value.
     *
     * @param rs the result set on a row
     * @param column 1-based column index
     * @return the value, or null
     * @throws SQLException on failure
     */
    @Nullable Object read(ResultSet rs, int column) throws SQLException;
  }

  /**
   * Reads text that may come back as a character LOB.
   *
   * @param rs result set
   * @param column column label
   * @return the text, or null
   * @throws SQLException on failure
   */
  public @Nullable String readText(ResultSet rs, String column) throws SQLException {
    Object o = rs.getObject(column);
    if (o instanceof Clob clob) {
      return clob.getSubString(1, (int) Math.min(Integer.MAX_VALUE, clob.length()));
    }
    return o == null ? null : o.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // State store support

  /**
   * Returns the column type for points in time kept by the state store.
   *
   * @return e.g. {@code TIMESTAMPTZ}
   */
  public abstract String timestampType();

  /**
   * Returns the column type for long text (plan JSON, errors).
   *
   * @return e.g. {@code TEXT}
   */
  public abstract String textType();

  /**
   * Returns what follows the column list of a state store table's {@code CREATE TABLE}: the character
   * set of its text where the database's default could be one that cannot hold every key, error or
   * log line (a MariaDB database created with latin1).
   *
   * @return e.g. {@code " DEFAULT CHARSET=utf8mb4"}, or empty
   */
  public String storeTableOptions() {
    return "";
  }

  /**
   * Returns the column type of the state store's keys and ids (run ids, targets, partition and slice
   * keys, workers): text compared byte by byte, so that {@code acme} and {@code ACME} are two keys
   * whatever the server's default collation.
   *
   * @param length maximum length in characters
   * @return e.g. {@code VARCHAR(255)}; MariaDB adds a binary collation
   */
  public String exactTextType(int length) {
    return "VARCHAR(" + length + ")";
  }

  /**
   * Says, for messages, how to make a text column compare exactly.
   *
   * @return e.g. {@code a binary collation (COLLATE utf8mb4_bin)}
   */
  public String exactTextHint() {
    return "a collation that compares text exactly";
  }

  /**
   * Returns the statements that give existing state store columns {@link #exactTextType(int)}, for
   * tables created before the store declared it; none where the engine compares text exactly anyway.
   *
   * @param table quoted table
   * @param columns column name to its length and nullability ({@code NOT NULL} or {@code NULL})
   * @return DDL statements, possibly none
   */
  public List<String> exactTextMigration(String table, Map<String, String> columns) {
    return List.of();
  }

  /**
   * Returns the column type for booleans.
   *
   * @return {@code BOOLEAN}
   */
  public String booleanType() {
    return "BOOLEAN";
  }

  /**
   * Returns an SQL expression for the database's current time, comparable with
   * {@link #timestampType()} columns.
   *
   * @return e.g. {@code CURRENT_TIMESTAMP}
   */
  public abstract String now();

  /**
   * Returns an SQL expression for the database's current time plus a number of milliseconds given by
   * one {@code ?} parameter (bound as a long).
   *
   * @return the expression
   */
  public abstract String nowPlusMillis();

  /**
   * Binds an instant for a {@link #timestampType()} column (truncated to microseconds, the
   * precision every supported engine keeps).
   *
   * @param ps the statement
   * @param index 1-based parameter index
   * @param value the instant, or null
   * @throws SQLException on failure
   */
  public void bindStoredInstant(PreparedStatement ps, int index, @Nullable Instant value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      ps.setObject(index, value.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC));
    }
  }

  /**
   * Reads an instant from a {@link #timestampType()} column.
   *
   * @param rs the result set on a row
   * @param column column label
   * @return the instant, or null
   * @throws SQLException on failure
   */
  public @Nullable Instant readStoredInstant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  /**
   * Tells whether the engine supports {@code SELECT ... FOR UPDATE SKIP LOCKED}, with which the state
   * store claims slices; otherwise it claims with a compare-and-set on the slice's version.
   *
   * @return true on PostgreSQL and MariaDB 10.6+ / MySQL 8+
   */
  public boolean supportsSkipLocked() {
    return false;
  }

  /**
   * Tells whether {@code UPDATE ... RETURNING} hands back the updated rows, with which the state store
   * claims, renews and records a slice in one statement each.
   *
   * @return true on PostgreSQL
   */
  public boolean supportsUpdateReturning() {
    return false;
  }

  /**
   * Returns the system column that addresses a row's current version (PostgreSQL's {@code ctid}), with
   * which one statement updates the rows it has just locked without searching an index for them again.
   * A claim joins its locked candidates by it: joined by key instead, PostgreSQL plans the update as a
   * walk over every slice of the run whenever the slices table has no statistics yet (a fresh run),
   * which made each claim scan the whole run.
   *
   * @return the column on PostgreSQL, empty elsewhere
   */
  public Optional<String> rowAddress() {
    return Optional.empty();
  }

  /**
   * Tells whether {@code WITH} may hold {@code INSERT}/{@code UPDATE} with {@code RETURNING}
   * (data-modifying common table expressions), with which the state store records a slice's end, its
   * attempt and its partitions' states in one statement.
   *
   * @return true on PostgreSQL
   */
  public boolean supportsDataModifyingWith() {
    return false;
  }

  /**
   * Returns a set-returning expression of the text elements of a JSON array held as text, for
   * {@code CROSS JOIN LATERAL ... AS k(key)}; only where {@link #supportsDataModifyingWith()}.
   *
   * @param jsonText SQL expression of the JSON array's text
   * @return the expression
   * @throws UnsupportedOperationException on engines without it
   */
  public String jsonArrayElementsSql(String jsonText) {
    throw new UnsupportedOperationException(name() + " has no JSON array elements function here");
  }

  /**
   * Tells whether a compound statement ({@code BEGIN NOT ATOMIC ... END}: local variables, {@code IF},
   * several statements) runs as one statement in one round trip, with which the state store records a
   * slice's end, its attempt and its partitions' states at once where {@link #supportsDataModifyingWith()}
   * is false.
   *
   * @param connection a connection to the server, whose metadata tells MariaDB from MySQL (a dialect made
   *     with a public constructor does not know which it talks to)
   * @return true on MariaDB 10.6+, false on MySQL, which has no compound statements outside stored programs
   * @throws SQLException if the connection's metadata cannot be read
   */
  public boolean supportsCompoundStatements(Connection connection) throws SQLException {
    return false;
  }

  /**
   * Returns a table expression of the text elements of a JSON array held as text, one column {@code k}
   * compared byte by byte, to join after the table that holds the array; only where
   * {@link #supportsCompoundStatements(Connection)}.
   *
   * @param jsonText SQL expression of the JSON array's text
   * @param alias the table expression's alias
   * @return the expression
   * @throws UnsupportedOperationException on engines without it
   */
  public String jsonArrayTableSql(String jsonText, String alias) {
    throw new UnsupportedOperationException(name() + " has no JSON table function here");
  }

  /**
   * Returns the statement creating a schema if it does not exist (a database on MariaDB).
   *
   * @param schema unquoted schema
   * @return the DDL
   */
  public String createSchemaIfNotExistsSql(String schema) {
    return "CREATE SCHEMA IF NOT EXISTS " + quote(schema);
  }

  /**
   * Serialises schema migrations of concurrently starting processes (an advisory lock where the
   * engine has one). Migrations are idempotent and retried, so engines without such a lock still
   * converge.
   *
   * @param connection connection in auto-commit mode, held for the whole migration
   * @param name lock name
   * @throws SQLException on failure
   */
  public void lockMigrations(Connection connection, String name) throws SQLException {}

  /**
   * Releases {@link #lockMigrations}.
   *
   * @param connection the same connection
   * @param name lock name
   * @throws SQLException on failure
   */
  public void unlockMigrations(Connection connection, String name) throws SQLException {}

  /**
   * Classifies a failure of this engine (this dialect is the engine's {@link FailureClassifier}):
   * what its SQL states and vendor codes beyond the JDBC standard mean. The default knows none.
   *
   * @param e the failure
   * @return its kind, or {@link FailureClassifier.Kind#UNKNOWN} to leave it to the JDBC standard
   */
  public FailureClassifier.Kind classify(SQLException e) {
    return FailureClassifier.Kind.UNKNOWN;
  }

  /**
   * Tells whether a failure rolled back the statement because of a deadlock, a serialization
   * conflict or a lock timeout, so that the whole transaction can safely run again: the engine's
   * {@link #classify} says CONFLICT, or the standard SQL state class {@code 40} (transaction rollback).
   *
   * @param e the failure
   * @return true to retry
   */
  public boolean isRetryable(SQLException e) {
    FailureClassifier.Kind kind = classify(e);
    if (kind != FailureClassifier.Kind.UNKNOWN) {
      return kind == FailureClassifier.Kind.CONFLICT;
    }
    String state = e.getSQLState();
    return state != null && state.startsWith("40");
  }

  /**
   * Tells whether a failure is a unique-key violation.
   *
   * @param e the failure
   * @return true for SQL state class 23 (integrity constraint violation)
   */
  public boolean isUniqueViolation(SQLException e) {
    String state = e.getSQLState();
    return state != null && state.startsWith("23");
  }

  // ---------------------------------------------------------------------------------------------
  // Full rebuild: what the swap needs to know about the live table

  /**
   * Lists the tables whose foreign keys reference a table (other than itself): a full rebuild's swap
   * deletes every row of the table, which such keys forbid.
   *
   * @param connection an open connection
   * @param schema unquoted schema, or null for the current one
   * @param table unquoted table
   * @return descriptions such as {@code orders (orders_customer_fk)}
   * @throws SQLException on failure
   */
  public abstract List<String> referencingTables(Connection connection, @Nullable String schema, String table)
      throws SQLException;

  /**
   * Lists the triggers on a table; they fire for the rows a full rebuild's swap deletes and inserts.
   *
   * @param connection an open connection
   * @param schema unquoted schema, or null for the current one
   * @param table unquoted table
   * @return trigger names
   * @throws SQLException on failure
   */
  public abstract List<String> triggers(Connection connection, @Nullable String schema, String table)
      throws SQLException;

  /**
   * Lists the generated columns of a table (computed by the engine, never written).
   *
   * @param connection an open connection
   * @param schema unquoted schema, or null for the current one
   * @param table unquoted table
   * @return column names as stored
   * @throws SQLException on failure
   */
  public abstract List<String> generatedColumns(Connection connection, @Nullable String schema, String table)
      throws SQLException;

  /**
   * Quotes a name read from the catalog or a result's metadata, as stored, with this engine's quote.
   *
   * @param stored the stored name
   * @return the quoted name
   */
  public String quoteStoredName(String stored) {
    String q = String.valueOf(quoteChar());
    return q + stored.replace(q, q + q) + q;
  }

  /**
   * Returns the statement copying every row of the filled shadow into the live table, inside the
   * swap's transaction.
   *
   * @param live quoted live table
   * @param shadow quoted shadow table
   * @param columns quoted columns to copy (generated ones left out)
   * @return the statement
   */
  public String copyRowsSql(String live, String shadow, String columns) {
    return "INSERT INTO " + live + " (" + columns + ") SELECT " + columns + " FROM " + shadow;
  }

  /**
   * Returns the statement that keeps other writers (not readers) off the live table until the swap
   * commits, where the engine has one.
   *
   * @param live quoted live table
   * @return the statement, or empty
   */
  public Optional<String> lockForSwapSql(String live) {
    return Optional.empty();
  }

  // ---------------------------------------------------------------------------------------------
  // Destination locks shared with the host's other writers

  /**
   * Tries to take a named lock for the session of a connection, without waiting.
   *
   * @param connection a connection held for as long as the lock is
   * @param name the lock's name
   * @return true when taken
   * @throws SQLException on failure
   */
  public abstract boolean tryLock(Connection connection, String name) throws SQLException;

  /**
   * Releases a named lock taken with {@link #tryLock} on the same connection.
   *
   * @param connection the connection
   * @param name the lock's name
   * @throws SQLException on failure
   */
  public abstract void unlock(Connection connection, String name) throws SQLException;

  /**
   * Describes the engine's kind of named lock, for messages.
   *
   * @return e.g. {@code PostgreSQL advisory lock}
   */
  public abstract String lockKind();

  // ---------------------------------------------------------------------------------------------
  // Native partitions: replacing a slice's partitions as a whole instead of deleting row by row

  /**
   * Tells how this engine replaces a whole partition's rows.
   *
   * @return {@link TablePartitions.Replacement#NONE} here (no native partitions)
   */
  public TablePartitions.Replacement partitionReplacement() {
    return TablePartitions.Replacement.NONE;
  }

  /**
   * Reads how a table is natively partitioned from the catalog.
   *
   * @param connection an open connection
   * @param schema unquoted schema as configured, or null for the current one
   * @param table unquoted table as configured
   * @return the partitioning, or empty when the table is not partitioned (always here)
   * @throws SQLException on failure
   */
  public Optional<TablePartitions> partitions(Connection connection, @Nullable String schema, String table)
      throws SQLException {
    return Optional.empty();
  }

  /**
   * Returns the statement that empties partitions in the current transaction.
   *
   * @param table quoted live table
   * @param partitions the partitions' {@link TablePartitions.Part#sql()} names
   * @return the statement
   * @throws UnsupportedOperationException when the engine cannot
   */
  public String truncatePartitionsSql(String table, List<String> partitions) {
    throw new UnsupportedOperationException(name() + " does not truncate partitions");
  }

  /**
   * Returns the statements that create an empty, unpartitioned table shaped like a partitioned one, to
   * be exchanged with one of its partitions.
   *
   * @param table quoted live table
   * @param staging quoted staging table
   * @return the statements, in order (DDL: each commits on its own)
   * @throws UnsupportedOperationException when the engine cannot
   */
  public List<String> createStagingSql(String table, String staging) {
    throw new UnsupportedOperationException(name() + " does not exchange partitions");
  }

  /**
   * Returns the statement that swaps a partition's rows with a staging table's.
   *
   * @param table quoted live table
   * @param partition the partition's {@link TablePartitions.Part#sql()} name
   * @param staging quoted staging table
   * @return the statement (DDL, run in auto-commit)
   * @throws UnsupportedOperationException when the engine cannot
   */
  public String exchangePartitionSql(String table, String partition, String staging) {
    throw new UnsupportedOperationException(name() + " does not exchange partitions");
  }

  /**
   * Lists the tables of a schema whose names start with a prefix (left-over staging tables).
   *
   * @param connection an open connection
   * @param schema unquoted schema as configured, or null for the current one
   * @param prefix the names' start, as configured
   * @return the names as stored
   * @throws SQLException on failure
   */
  public List<String> tablesStartingWith(Connection connection, @Nullable String schema, String prefix)
      throws SQLException {
    return List.of();
  }

  // ---------------------------------------------------------------------------------------------
  // Staged merge: a slice's rows bulk-loaded into a temporary table, then upserted from it

  /**
   * Returns the statements that create, in the current transaction, a temporary table holding a
   * merge's rows in the order they were written: the columns {@code columns} of {@code table} and an
   * ordinal column {@code bfx_seq} numbered by the load; the table disappears when the transaction
   * ends. Empty when this engine merges row by row (measured no faster).
   *
   * @param table quoted live table
   * @param stage quoted name of the temporary table
   * @param columns the merge's columns
   * @return the statements, or empty
   */
  public List<String> mergeStageSql(String table, String stage, List<String> columns) {
    return List.of();
  }

  /**
   * Tells whether {@link #beginWrite} changes the connection's isolation level, so that callers read
   * it first to restore it (a round trip on some drivers, skipped where nothing changes it).
   *
   * @return false here
   */
  public boolean beginWriteChangesIsolation() {
    return false;
  }
}
