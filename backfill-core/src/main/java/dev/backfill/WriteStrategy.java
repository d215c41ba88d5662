package dev.backfill;

import java.util.List;

/**
 * How a slice's records replace what the destination already holds. Each strategy states its
 * guarantee when a committed slice runs again (after a resume, a retry after a lost status, or a
 * deliberate restatement).
 *
 * <pre>{@code
 * WriteStrategy.overwritePartition("day");                    // delete the day's rows, insert the new ones
 * WriteStrategy.merge("order_id").deletingMissingWithin("day"); // upsert by business key
 * WriteStrategy.fullRebuild();                                 // shadow table, swapped when all slices pass
 * }</pre>
 */
public sealed interface WriteStrategy
    permits WriteStrategy.Append, WriteStrategy.OverwritePartition, WriteStrategy.Merge, WriteStrategy.FullRebuild {

  /**
   * Inserts the slice's records. Not idempotent: a committed slice that runs again is written twice,
   * unless the state store commits the slice's status in the same transaction (exactly-once).
   *
   * @return the append strategy
   */
  static WriteStrategy append() {
    return new Append();
  }

  /**
   * Deletes the slice's partitions from the destination and inserts the new records, atomically.
   * Each column names a dimension of the partitioning (rename dimensions with
   * {@link Partitioning#named}); rows whose column lies in the slice's span of that dimension are
   * replaced. Idempotent.
   *
   * @param columns destination columns holding the partition's dimension values
   * @return the overwrite strategy
   */
  static OverwritePartition overwritePartition(String... columns) {
    return new OverwritePartition(List.of(columns));
  }

  /**
   * Upserts records keyed by business key columns. Idempotent.
   *
   * @param keys the business key columns
   * @return the merge strategy; add {@link Merge#deletingMissingWithin} to delete keys missing from
   *     the slice
   */
  static Merge merge(String... keys) {
    return new Merge(List.of(keys), List.of());
  }

  /**
   * Writes every slice into a shadow copy of the destination and swaps it in atomically after all
   * slices succeeded and the run checks passed; a failed or cancelled run leaves the destination
   * untouched. Idempotent.
   *
   * @return the full-rebuild strategy, dropping the previous table after the swap
   */
  static FullRebuild fullRebuild() {
    return new FullRebuild(false);
  }

  /**
   * Tells whether running a committed slice again leaves the destination unchanged.
   *
   * @return true for overwrite, merge and full rebuild
   */
  default boolean idempotent() {
    return !(this instanceof Append);
  }

  /**
   * Returns a short description such as {@code merge(order_id)}.
   *
   * @return description
   */
  String describe();

  /** Inserts records; see {@link WriteStrategy#append()}. */
  record Append() implements WriteStrategy {
    @Override
    public String describe() {
      return "append";
    }
  }

  /**
   * Replaces the slice's partitions; see {@link WriteStrategy#overwritePartition(String...)}.
   *
   * @param columns destination columns holding dimension values
   */
  record OverwritePartition(List<String> columns) implements WriteStrategy {
    /**
     * Validates the columns.
     *
     * @param columns destination columns holding dimension values
     */
    public OverwritePartition {
      columns = nonEmpty(columns, "overwritePartition", "column", "day");
    }

    @Override
    public String describe() {
      return "overwritePartition(" + String.join(", ", columns) + ")";
    }
  }

  /**
   * Upserts by key; see {@link WriteStrategy#merge(String...)}.
   *
   * @param keys business key columns
   * @param deleteMissingWithin when not empty, rows of the slice's partitions (identified by these
   *     dimension columns) whose keys the slice did not produce are deleted
   */
  record Merge(List<String> keys, List<String> deleteMissingWithin) implements WriteStrategy {
    /**
     * Validates the columns.
     *
     * @param keys business key columns
     * @param deleteMissingWithin dimension columns scoping the delete of missing keys
     */
    public Merge {
      keys = nonEmpty(keys, "merge", "key column", "order_id");
      deleteMissingWithin = List.copyOf(deleteMissingWithin);
    }

    /**
     * Also deletes rows of the slice's partitions whose keys the slice no longer produces.
     *
     * @param partitionColumns dimension columns that identify the slice's rows (as for
     *     {@link WriteStrategy#overwritePartition})
     * @return the changed strategy
     */
    public Merge deletingMissingWithin(String... partitionColumns) {
      return new Merge(keys, nonEmpty(List.of(partitionColumns), "deletingMissingWithin", "column", "day"));
    }

    @Override
    public String describe() {
      return "merge(" + String.join(", ", keys) + ")"
          + (deleteMissingWithin.isEmpty() ? "" : " deleting missing within " + String.join(", ", deleteMissingWithin));
    }
  }

  /**
   * Rebuilds through a shadow copy; see {@link WriteStrategy#fullRebuild()}.
   *
   * @param keepPrevious keep the replaced table (renamed) instead of dropping it
   */
  record FullRebuild(boolean keepPrevious) implements WriteStrategy {
    /**
     * Keeps the replaced table under a backup name after the swap.
     *
     * @return the changed strategy
     */
    public FullRebuild keepingPrevious() {
      return new FullRebuild(true);
    }

    @Override
    public String describe() {
      return "fullRebuild" + (keepPrevious ? "(keep previous)" : "");
    }
  }

  private static List<String> nonEmpty(List<String> names, String what, String kind, String example) {
    if (names.isEmpty()) {
      throw new InvalidConfigurationException(what + "() needs at least one " + kind + ", e.g. " + what + "(\"" + example + "\")");
    }
    for (String name : names) {
      if (name == null || name.isBlank()) {
        throw new InvalidConfigurationException(what + "() got an empty " + kind + " name in " + names
            + "; expected column names such as \"" + example + "\"");
      }
    }
    return List.copyOf(names);
  }
}
