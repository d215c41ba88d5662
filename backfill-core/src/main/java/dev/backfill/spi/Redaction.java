package dev.backfill.spi;

import com.google.common.base.Throwables;
import java.sql.SQLException;
import java.util.regex.Pattern;

/**
 * Removes secrets from text that goes to logs, reports and the state store. Adapters use it for every
 * message built from a driver's exception, as core does.
 *
 * <pre>{@code
 * log.warn("query failed: {}", Redaction.describe(e));     // SQLException[08001]: ... password=*** ...
 * }</pre>
 */
public final class Redaction {
  /** A secret's name and its separator; the value's end is found by {@link #valueEnd}. */
  private static final Pattern KEY =
      Pattern.compile("(?i)\\b(password|passwd|pwd|secret|token|apikey|api_key)[\"']?\\s*[=:]\\s*");
  /** {@code //user:secret@host}: the secret runs to the last {@code @} of the line. */
  private static final Pattern URL_USERINFO = Pattern.compile("(//[^/:@\\s]+:)([^\\r\\n]*)(@)");
  /** pgjdbc repeats a failed batch entry with its bound values, which may be personal data. */
  private static final Pattern BATCH_ENTRY = Pattern.compile("(?s)(Batch entry \\d+ ).*?( was aborted)");

  private Redaction() {}

  /**
   * Masks password-like values ({@code password=...}, {@code user:secret@host}) and the bound
   * values a driver repeats in a failed batch entry.
   *
   * @param text any text
   * @return the text with secrets replaced by {@code ***}
   */
  public static String redact(String text) {
    if (text == null) {
      return "";
    }
    String out = maskValues(text);
    out = BATCH_ENTRY.matcher(out).replaceAll("$1<statement and values omitted>$2");
    return URL_USERINFO.matcher(out).replaceAll("$1***$3");
  }

  /**
   * Masks the value after every secret's name: a value that starts with a quote to a closing quote
   * where a value can end ({@code 'a b;c' next}, JSON's {@code "s3,cr",}); any other value to the next
   * {@code &} (the next URL parameter) or the end of the line, since a password may hold any character,
   * a leading quote included ({@code password='Pw'Lm)Rv}): masking too much is harmless, too little is not.
   */
  private static String maskValues(String text) {
    java.util.regex.Matcher m = KEY.matcher(text);
    StringBuilder out = new StringBuilder();
    int from = 0;
    while (m.find(from)) {
      int valueStart = m.end();
      out.append(text, from, valueStart).append("***");
      from = valueEnd(text, valueStart);
    }
    return out.append(text.substring(Math.min(from, text.length()))).toString();
  }

  private static int valueEnd(String text, int start) {
    if (start >= text.length()) {
      return start;
    }
    int end = start;
    while (end < text.length() && text.charAt(end) != '&' && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
      end++;
    }
    char first = text.charAt(start);
    if (first == '\'' || first == '"') {
      // A leading quote may be the password's own first character (password='a'b in a URL): a quote
      // closes the value only where a value can end (the end, a space, , } ] ) &); otherwise the value
      // runs to the unquoted end.
      for (int close = text.indexOf(first, start + 1); close >= 0; close = text.indexOf(first, close + 1)) {
        if (close + 1 == text.length() || ",}]) &\t\r\n".indexOf(text.charAt(close + 1)) >= 0) {
          return close + 1;
        }
      }
    }
    return end;
  }

  /**
   * Describes a failure in one line with its SQL state, redacted: {@code SQLException[40P01]: deadlock detected}.
   *
   * @param failure the failure
   * @return a one-line description
   */
  public static String describe(Throwable failure) {
    Throwable t = failure;
    StringBuilder s = new StringBuilder(t.getClass().getSimpleName());
    if (t instanceof SQLException sql && sql.getSQLState() != null) {
      s.append('[').append(sql.getSQLState()).append(']');
    }
    s.append(": ").append(t.getMessage());
    Throwable root = rootCause(t);
    if (root != t) {
      s.append(" (caused by ").append(root.getClass().getSimpleName());
      if (root instanceof SQLException sql && sql.getSQLState() != null) {
        s.append('[').append(sql.getSQLState()).append(']');
      }
      s.append(": ").append(root.getMessage()).append(')');
    }
    String text = redact(s.toString());
    return text.length() > 2000 ? text.substring(0, 2000) + "…" : text;
  }

  private static Throwable rootCause(Throwable t) {
    try {
      return Throwables.getRootCause(t);
    } catch (IllegalArgumentException loop) {
      return t;
    }
  }
}
