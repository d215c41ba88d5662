package dev.backfill.jdbc.internal;

import dev.backfill.jdbc.dialect.Dialect;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A validated table name, optionally qualified by a schema, and the names derived from it for a full
 * rebuild's shadow and backup tables (kept in the same schema, shortened with a hash when long).
 *
 * @param schema schema, or null for the connection's current one
 * @param table bare table name
 */
public record TableName(@Nullable String schema, String table) {
  private static final int MAX_DERIVED = 60;

  /**
   * Validates and splits {@code table} or {@code schema.table}.
   *
   * @param qualified the configured name
   * @return the name
   * @throws dev.backfill.InvalidConfigurationException naming an unsafe value
   */
  public static TableName parse(String qualified) {
    List<String> parts = Dialect.checkQualifiedName(qualified, "table name");
    return parts.size() == 1 ? new TableName(null, parts.get(0)) : new TableName(parts.get(0), parts.get(1));
  }

  /**
   * Returns a table next to this one.
   *
   * @param suffix suffix such as {@code _bf_shadow}
   * @return the derived name in the same schema
   */
  public TableName derived(String suffix) {
    String name = table + suffix;
    if (name.length() > MAX_DERIVED) {
      String hash = Integer.toHexString(table.hashCode());
      name = table.substring(0, MAX_DERIVED - suffix.length() - hash.length() - 1) + "_" + hash + suffix;
    }
    return new TableName(schema, name);
  }

  /**
   * Returns the backup of the table replaced by a full rebuild.
   *
   * @return {@code table_bf_prev}
   */
  public TableName previous() {
    return derived("_bf_prev");
  }

  /**
   * Returns the quoted, qualified name.
   *
   * @param dialect the engine
   * @return e.g. {@code "mart"."daily"}
   */
  public String sql(Dialect dialect) {
    return dialect.qualified(schema, table);
  }

  @Override
  public String toString() {
    return schema == null ? table : schema + "." + table;
  }
}
