package dev.backfill;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Where a backfill runs: {@code staging} first, then {@code prod}, with the same plan. An environment
 * resolves the physical names of destinations (another schema, or a suffix) and the DataSources by
 * name, so that one factory builds the same pipeline for each; plans record their environment, and a
 * plan runs only in its own ({@link BackfillPlan#forEnvironment} promotes a plan that succeeded in
 * staging).
 *
 * <p>History: the production environment keeps the target's history under its plain name. Another
 * environment plans from that same history (so a staging run rehearses exactly what production
 * needs) but records its own runs apart ({@code <target>@<environment>} in the state store), so a
 * staging run never makes production believe a partition is done.
 *
 * <pre>{@code
 * Environment prod = Environment.production("prod").dataSource("warehouse", prodDs);
 * Environment staging = Environment.named("staging").schema("mart", "mart_staging").dataSource("warehouse", prodDs);
 *
 * Backfill<Row> build(Environment env) {
 *   DataSource ds = env.dataSource("warehouse");
 *   return Backfill.builder("mart.daily_revenue").environment(env)
 *       .destination(JdbcDestination.table(ds, env.table("mart.daily_revenue")))   // mart_staging.daily_revenue in staging
 *       ...build();
 * }
 *
 * BackfillPlan plan = build(staging).plan(range);
 * build(staging).execute(plan).await();                                    // rehearsal, prod untouched
 * build(prod).execute(plan.forEnvironment("prod")).await();                // the same partitions and reasons
 * }</pre>
 *
 * <p>Immutable: every setter returns a copy.
 */
public final class Environment {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,30}");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");

  /** The environment of backfills that configure none: production, named {@code default}. */
  static final Environment DEFAULT = new Environment("default", true, Map.of(), "", Map.of());

  private final String name;
  private final boolean production;
  private final Map<String, String> schemas;
  private final String suffix;
  private final Map<String, DataSource> dataSources;

  private Environment(String name, boolean production, Map<String, String> schemas, String suffix,
      Map<String, DataSource> dataSources) {
    this.name = name;
    this.production = production;
    this.schemas = Map.copyOf(schemas);
    this.suffix = suffix;
    this.dataSources = Map.copyOf(dataSources);
  }

  /**
   * The production environment: it keeps the target's history under the target's plain name.
   *
   * @param name e.g. {@code prod}: lower-case letters, digits, '_' or '-'
   * @return the environment
   */
  public static Environment production(String name) {
    return new Environment(validName(name), true, Map.of(), "", Map.of());
  }

  /**
   * A rehearsal environment (staging, test): it plans from the production history and records its
   * runs apart.
   *
   * @param name e.g. {@code staging}: lower-case letters, digits, '_' or '-'
   * @return the environment
   */
  public static Environment named(String name) {
    return new Environment(validName(name), false, Map.of(), "", Map.of());
  }

  private static String validName(String name) {
    if (name == null || !NAME.matcher(name).matches() || name.equals("default")) {
      throw new InvalidConfigurationException("environment name '" + name + "' is not valid; expected a lower-case name"
          + " such as staging or prod (letters, digits, '_' or '-', not 'default')");
    }
    return name;
  }

  /**
   * Maps a schema: names in {@code logical} resolve to {@code physical} in this environment.
   *
   * @param logical the schema named in the pipeline, e.g. {@code mart}
   * @param physical the schema used here, e.g. {@code mart_staging}
   * @return the changed environment
   */
  public Environment schema(String logical, String physical) {
    Map<String, String> copy = new LinkedHashMap<>(schemas);
    copy.put(identifier(logical, "schema"), identifier(physical, "schema"));
    return new Environment(name, production, copy, suffix, dataSources);
  }

  /**
   * Appends a suffix to every table name resolved here ({@code orders} becomes {@code orders_stg}).
   *
   * @param tableSuffix letters, digits or '_'
   * @return the changed environment
   */
  public Environment tableSuffix(String tableSuffix) {
    if (tableSuffix == null || !tableSuffix.matches("[A-Za-z0-9_]{1,30}")) {
      throw new InvalidConfigurationException("table suffix '" + tableSuffix + "' is not valid; expected letters,"
          + " digits or '_' such as _staging");
    }
    return new Environment(name, production, schemas, tableSuffix, dataSources);
  }

  /**
   * Registers a DataSource by name.
   *
   * @param dataSourceName the name the pipeline asks for, e.g. {@code warehouse}
   * @param dataSource this environment's DataSource of that name
   * @return the changed environment
   */
  public Environment dataSource(String dataSourceName, DataSource dataSource) {
    Map<String, DataSource> copy = new LinkedHashMap<>(dataSources);
    copy.put(requireNonNull(dataSourceName, "dataSourceName"), requireNonNull(dataSource, "dataSource"));
    return new Environment(name, production, schemas, suffix, copy);
  }

  /**
   * Returns the environment's name.
   *
   * @return name
   */
  public String name() {
    return name;
  }

  /**
   * Tells whether this is the production environment (history under the plain target name).
   *
   * @return true for {@link #production}
   */
  public boolean isProduction() {
    return production;
  }

  /**
   * Resolves a table name: its schema mapped, the suffix appended.
   *
   * @param logicalName {@code table}, {@code schema.table} or {@code catalog.schema.table}
   * @return the physical name in this environment
   */
  public String table(String logicalName) {
    requireNonNull(logicalName, "logicalName");
    String[] parts = logicalName.split("\\.", -1);
    for (String p : parts) {
      identifier(p, "name part of '" + logicalName + "'");
    }
    if (parts.length > 3) {
      throw new InvalidConfigurationException("table name '" + logicalName + "' has " + parts.length + " parts;"
          + " expected table, schema.table or catalog.schema.table");
    }
    if (parts.length >= 2) {
      parts[parts.length - 2] = schemas.getOrDefault(parts[parts.length - 2], parts[parts.length - 2]);
    }
    parts[parts.length - 1] = parts[parts.length - 1] + suffix;
    return String.join(".", parts);
  }

  /**
   * Returns this environment's DataSource of a name.
   *
   * @param dataSourceName the name it was registered with
   * @return the DataSource
   * @throws InvalidConfigurationException naming the registered names when there is none of that name
   */
  public DataSource dataSource(String dataSourceName) {
    DataSource ds = dataSources.get(dataSourceName);
    if (ds == null) {
      throw new InvalidConfigurationException("environment " + name + " has no DataSource named '" + dataSourceName
          + "'; it has " + dataSources.keySet() + ", register it with dataSource(\"" + dataSourceName + "\", ds)");
    }
    return ds;
  }

  /** The state store's name of a target's runs in this environment. */
  String runTarget(String target) {
    return production ? target : target + "@" + name;
  }

  private static String identifier(String text, String what) {
    if (text == null || !IDENTIFIER.matcher(text).matches()) {
      throw new InvalidConfigurationException(what + " '" + text + "' is not a plain SQL name; expected letters,"
          + " digits, '_' or '$', not starting with a digit");
    }
    return text;
  }

  @Override
  public String toString() {
    return "Environment[" + name + (production ? ", production" : "") + (schemas.isEmpty() ? "" : ", schemas " + schemas)
        + (suffix.isEmpty() ? "" : ", suffix " + suffix) + ", data sources " + dataSources.keySet() + "]";
  }
}
