package dev.backfill.jdbc.internal;

import static java.util.Objects.requireNonNull;

import dev.backfill.InvalidConfigurationException;
import dev.backfill.Tokens;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.jdbc.dialect.SqlSyntax;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * SQL with named parameters ({@code :start_date}) turned into JDBC placeholders. Names inside string
 * literals, quoted names, comments and dollar-quoted strings are left alone, and so are PostgreSQL
 * casts ({@code ::date}) and assignments ({@code :=}). A bare {@code ?} is refused: every value comes
 * from a named token.
 */
public final class NamedSql {
  private final String original;
  private final String jdbc;
  private final List<String> parameters;

  private NamedSql(String original, String jdbc, List<String> parameters) {
    this.original = original;
    this.jdbc = jdbc;
    this.parameters = List.copyOf(parameters);
  }

  /**
   * Parses SQL with the rules used before the engine is known.
   *
   * @param sql the SQL
   * @param where what the SQL belongs to, for messages (e.g. "query of JdbcSource")
   * @return the parsed SQL
   * @throws InvalidConfigurationException for a blank query or a positional {@code ?}
   */
  public static NamedSql parse(String sql, String where) {
    return parse(sql, where, SqlSyntax.GENERIC);
  }

  /**
   * Parses SQL with an engine's lexical rules.
   *
   * @param sql the SQL
   * @param where what the SQL belongs to, for messages
   * @param syntax the engine's rules
   * @return the parsed SQL
   * @throws InvalidConfigurationException for a blank query or a positional {@code ?}
   */
  public static NamedSql parse(String sql, String where, SqlSyntax syntax) {
    requireNonNull(sql, "sql");
    if (sql.isBlank()) {
      throw new InvalidConfigurationException(where + " is empty; expected a SELECT statement");
    }
    StringBuilder out = new StringBuilder(sql.length());
    List<String> names = new ArrayList<>();
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      int end;
      if (c == '\'') {
        boolean escapes = syntax.backslashEscapes() || (i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
            && (i < 2 || !isNamePart(sql.charAt(i - 2))));
        end = quoted(sql, i, '\'', escapes);
      } else if (c == '"') {
        end = quoted(sql, i, '"', syntax.backslashEscapes());
      } else if (c == '`' && syntax.backtickNames()) {
        end = quoted(sql, i, '`', false);
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        end = lineEnd(sql, i);
      } else if (c == '#' && syntax.hashComments()) {
        end = lineEnd(sql, i);
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        end = blockCommentEnd(sql, i, syntax.nestedComments());
      } else if (c == '$' && syntax.dollarQuotes() && (i == 0 || !isNamePart(sql.charAt(i - 1)))
          && (end = dollarQuoted(sql, i)) > i) {
        // end set by the condition
      } else if (c == ':' && i + 1 < n && sql.charAt(i + 1) == ':') {
        end = i + 2;
      } else if (c == ':' && i + 1 < n && isNameStart(sql.charAt(i + 1)) && (i == 0 || sql.charAt(i - 1) != ':')) {
        int j = i + 1;
        while (j < n && isNamePart(sql.charAt(j))) {
          j++;
        }
        names.add(sql.substring(i + 1, j));
        out.append('?');
        i = j;
        continue;
      } else if (c == '?') {
        if (i + 1 < n && sql.charAt(i + 1) == '?') {
          end = i + 2;
        } else {
          throw new InvalidConfigurationException(where + " has a positional parameter '?' at position " + (i + 1)
              + "; expected named parameters bound from tokens, such as :start_date"
              + " (write ?? for a literal ? operator on PostgreSQL)");
        }
      } else {
        end = i + 1;
      }
      out.append(sql, i, end);
      i = end;
    }
    return new NamedSql(sql, out.toString(), names);
  }

  private static boolean isNameStart(char c) {
    return c == '_' || (c < 128 && Character.isLetter(c));
  }

  private static boolean isNamePart(char c) {
    return c == '_' || (c < 128 && Character.isLetterOrDigit(c));
  }

  /** End (exclusive) of a quoted run starting at {@code start}; doubled quotes stay inside. */
  private static int quoted(String sql, int start, char quote, boolean backslashEscapes) {
    int n = sql.length();
    int i = start + 1;
    while (i < n) {
      char c = sql.charAt(i);
      if (backslashEscapes && c == '\\') {
        i += 2;
        continue;
      }
      if (c == quote) {
        if (i + 1 < n && sql.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return n;
  }

  private static int lineEnd(String sql, int start) {
    int nl = sql.indexOf('\n', start);
    return nl < 0 ? sql.length() : nl + 1;
  }

  private static int blockCommentEnd(String sql, int start, boolean nested) {
    int n = sql.length();
    int depth = 0;
    int i = start;
    while (i < n) {
      if (i + 1 < n && sql.charAt(i) == '/' && sql.charAt(i + 1) == '*') {
        depth = nested || depth == 0 ? depth + 1 : depth;
        i += 2;
      } else if (i + 1 < n && sql.charAt(i) == '*' && sql.charAt(i + 1) == '/') {
        depth--;
        i += 2;
        if (depth == 0) {
          return i;
        }
      } else {
        i++;
      }
    }
    return n;
  }

  /** End of a {@code $tag$...$tag$} string, or {@code start} when this is no dollar quote. */
  private static int dollarQuoted(String sql, int start) {
    int n = sql.length();
    int j = start + 1;
    while (j < n && isNamePart(sql.charAt(j)) && !(j == start + 1 && Character.isDigit(sql.charAt(j)))) {
      j++;
    }
    if (j >= n || sql.charAt(j) != '$') {
      return start;
    }
    String tag = sql.substring(start, j + 1);
    int close = sql.indexOf(tag, j + 1);
    return close < 0 ? n : close + tag.length();
  }

  /**
   * Returns the SQL as written.
   *
   * @return original SQL
   */
  public String original() {
    return original;
  }

  /**
   * Returns the SQL with {@code ?} placeholders.
   *
   * @return JDBC SQL
   */
  public String jdbc() {
    return jdbc;
  }

  /**
   * Returns the parameter name of each placeholder, in order (a name used twice appears twice).
   *
   * @return parameter names
   */
  public List<String> parameters() {
    return parameters;
  }

  /**
   * Returns the distinct parameter names.
   *
   * @return names in order of first use
   */
  public Set<String> names() {
    return new LinkedHashSet<>(parameters);
  }

  /**
   * Fails when the SQL uses a token that is not defined.
   *
   * @param known token names every slice defines
   * @param where what the SQL belongs to
   * @throws dev.backfill.UnknownTokenException naming the token and the known ones
   */
  public void validate(Set<String> known, String where) {
    Tokens.requireKnown(known, names(), where);
  }

  /**
   * Binds the tokens to the placeholders.
   *
   * @param ps the prepared {@link #jdbc()} statement (or a statement embedding it)
   * @param offset placeholders before this SQL's first one
   * @param dialect binds the values
   * @param tokens the slice's or partition's tokens
   * @throws SQLException on failure
   * @throws dev.backfill.UnknownTokenException if a token is not defined
   */
  public void bind(PreparedStatement ps, int offset, Dialect dialect, Tokens tokens) throws SQLException {
    for (int i = 0; i < parameters.size(); i++) {
      dialect.bind(ps, offset + i + 1, tokens.get(parameters.get(i)));
    }
  }

  /**
   * Returns a short form of the SQL for descriptions and messages.
   *
   * @return the first 80 characters on one line
   */
  public String abbreviated() {
    String oneLine = original.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 77) + "...";
  }

  @Override
  public String toString() {
    return abbreviated();
  }
}
