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
  private static final Pattern KEY_VALUE =
      Pattern.compile("(?i)\\b(password|passwd|pwd|secret|token|apikey|api_key)(\\s*[=:]\\s*)([^&;,\\s)\"']+)");
  private static final Pattern URL_USERINFO = Pattern.compile("(//[^/:@\\s]+:)([^@/\\s]+)(@)");
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
    String out = KEY_VALUE.matcher(text).replaceAll("$1$2***");
    out = BATCH_ENTRY.matcher(out).replaceAll("$1<statement and values omitted>$2");
    return URL_USERINFO.matcher(out).replaceAll("$1***$3");
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
