package dev.backfill.bench.compare;

import java.util.Locale;

/** The work a comparison measures; each slice is one day of the source. */
public enum Strategy {
  /** Insert the day's rows into an empty destination. */
  APPEND,
  /** Delete the day's rows, then insert the new ones, in one transaction. */
  OVERWRITE,
  /** Upsert the day's rows by id into a destination that already holds them. */
  MERGE,
  /** {@code INSERT … SELECT} of the day inside the database. */
  PUSHDOWN,
  /**
   * Overwrite as above; our library writes a table partitioned by day (one partition per day, so it
   * replaces partitions), the others the same unpartitioned table as {@link #OVERWRITE}.
   */
  OVERWRITE_PARTITIONED;

  /**
   * Lower-case display name.
   *
   * @return name
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Parses a name as given on the command line.
   *
   * @param name such as {@code merge}
   * @return the strategy
   */
  public static Strategy parse(String name) {
    for (Strategy s : values()) {
      if (s.label().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown strategy '" + name + "'; expected one of append, overwrite, merge, pushdown,"
        + " overwrite-partitioned");
  }
}
