package dev.backfill;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The named variables of a partition or slice that sources, destinations, templates and checks
 * reference, such as {@code start_date} or {@code region}.
 *
 * <p>Every time partition defines:
 *
 * <ul>
 *   <li>{@code start_date} ({@link LocalDate}): first local day of the window;
 *   <li>{@code end_date} ({@link LocalDate}): last local day inside the window (inclusive);
 *   <li>{@code start_ts} ({@link OffsetDateTime}): first instant of the window;
 *   <li>{@code end_ts} ({@link OffsetDateTime}): first instant after the window (exclusive);
 *   <li>{@code hours} ({@link Number}): elapsed hours, 23 or 25 on daylight-saving days.
 * </ul>
 *
 * <p>Every partition defines {@code partition_key} (its canonical key, or {@code first..last} for a
 * slice of several partitions) and one token per dimension, named after the dimension: a
 * {@link LocalDate} for daily, weekly and monthly dimensions (the first day), a
 * {@link java.time.LocalDateTime} for hourly ones, the key text for static keys. Users add their
 * own tokens on the {@link Backfill.Builder}. (The two hours repeated when clocks go back share one
 * local hour value; {@code start_ts} and {@code end_ts} tell them apart.)
 *
 * <p>Asking for a name that is not defined is an {@link UnknownTokenException} naming the token and
 * the known ones; it never yields an empty string.
 *
 * <pre>{@code
 * String sql = slice.tokens().render("SELECT * FROM events_${region} WHERE day = '${start_date}'");
 * }</pre>
 */
public final class Tokens {
  /** First local day of the window. */
  public static final String START_DATE = "start_date";
  /** Last local day inside the window, inclusive. */
  public static final String END_DATE = "end_date";
  /** First instant of the window. */
  public static final String START_TS = "start_ts";
  /** First instant after the window, exclusive. */
  public static final String END_TS = "end_ts";
  /** Elapsed hours of the window. */
  public static final String HOURS = "hours";
  /** Canonical key of the partition, or {@code first..last} for a slice of several partitions. */
  public static final String PARTITION_KEY = "partition_key";

  private static final Pattern TEMPLATE_TOKEN = Pattern.compile("\\$\\{([^}]*)}");

  private final Map<String, Object> values;

  private Tokens(Map<String, Object> values) {
    this.values = values;
  }

  /**
   * Creates tokens from name/value pairs; iteration follows the map's order.
   *
   * @param values token values by name
   * @return the tokens
   */
  public static Tokens of(Map<String, ?> values) {
    return new Tokens(Collections.unmodifiableMap(new LinkedHashMap<>(values)));
  }

  /**
   * Returns the value of a token.
   *
   * @param name token name
   * @return the value, never null
   * @throws UnknownTokenException if the token is not defined, naming the known tokens
   */
  public Object get(String name) {
    Object value = values.get(name);
    if (value == null) {
      throw unknown(name, values.keySet(), "");
    }
    return value;
  }

  /**
   * Returns the value of a token as text: ISO-8601 for dates and timestamps.
   *
   * @param name token name
   * @return the value as text
   * @throws UnknownTokenException if the token is not defined
   */
  public String text(String name) {
    return String.valueOf(get(name));
  }

  /**
   * Tells whether a token is defined.
   *
   * @param name token name
   * @return true when defined
   */
  public boolean has(String name) {
    return values.containsKey(name);
  }

  /**
   * Returns the defined token names, in definition order.
   *
   * @return token names
   */
  public Set<String> names() {
    return values.keySet();
  }

  /**
   * Returns all tokens as an unmodifiable map.
   *
   * @return token values by name
   */
  public Map<String, Object> asMap() {
    return values;
  }

  /**
   * Returns these tokens with more tokens added (later definitions win).
   *
   * @param more tokens to add
   * @return the combined tokens
   */
  public Tokens with(Map<String, ?> more) {
    if (more.isEmpty()) {
      return this;
    }
    Map<String, Object> combined = new LinkedHashMap<>(values);
    combined.putAll(more);
    return new Tokens(Collections.unmodifiableMap(combined));
  }

  /**
   * Replaces every {@code ${name}} in a template by the token's text.
   *
   * @param template text with {@code ${name}} placeholders
   * @return the rendered text
   * @throws UnknownTokenException if the template names an unknown token
   */
  public String render(String template) {
    requireKnown(names(), placeholders(template), "template");
    Matcher m = TEMPLATE_TOKEN.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(text(m.group(1))));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * Returns the token names a template refers to with {@code ${name}}.
   *
   * @param template text with placeholders
   * @return names in order of first use
   */
  public static Set<String> placeholders(String template) {
    Set<String> names = new java.util.LinkedHashSet<>();
    Matcher m = TEMPLATE_TOKEN.matcher(template);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /**
   * Fails if any used name is not among the known names.
   *
   * @param known names that are defined
   * @param used names a query, template or check refers to
   * @param where what refers to them, for the message (e.g. "query of source orders")
   * @throws UnknownTokenException naming the first unknown token and all known ones
   */
  public static void requireKnown(Collection<String> known, Collection<String> used, String where) {
    requireNonNull(where, "where");
    for (String name : used) {
      if (!known.contains(name)) {
        throw unknown(name, known, where.isEmpty() ? "" : " in " + where);
      }
    }
  }

  private static UnknownTokenException unknown(String name, Collection<String> known, String where) {
    return new UnknownTokenException(
        "unknown token '" + name + "'" + where + "; known tokens: " + String.join(", ", new TreeSet<>(known)));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tokens t && values.equals(t.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
