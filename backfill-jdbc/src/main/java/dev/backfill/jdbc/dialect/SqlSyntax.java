package dev.backfill.jdbc.dialect;

/**
 * The lexical rules that decide where string literals, quoted names and comments start and end in
 * an engine's SQL, so that a {@code :name} inside them is not mistaken for a parameter.
 *
 * @param backslashEscapes a backslash escapes the next character inside quotes (MariaDB, MySQL)
 * @param hashComments {@code #} starts a comment to the end of the line (MariaDB, MySQL)
 * @param nestedComments block comments nest (PostgreSQL)
 * @param dollarQuotes {@code $tag$ ... $tag$} quotes a string (PostgreSQL, H2)
 * @param backtickNames {@code `name`} quotes an identifier (MariaDB, MySQL)
 */
public record SqlSyntax(boolean backslashEscapes, boolean hashComments, boolean nestedComments, boolean dollarQuotes,
    boolean backtickNames) {

  /** Rules used before the engine is known: standard quoting, nested comments, dollar quotes. */
  public static final SqlSyntax GENERIC = new SqlSyntax(false, false, true, true, true);
}
