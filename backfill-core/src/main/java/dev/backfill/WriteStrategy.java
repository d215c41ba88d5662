package dev.backfill;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

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
   * <p>A plain merge is <b>last commit wins</b>: when two slices write the same key, the row of the
   * slice that commits last stays, whatever the data says. Slices commit in any order when they run
   * concurrently, and re-running an old partition writes its old rows again. When rows carry a
   * version or change time, add {@link Merge#newerBy} so that a row only replaces one that is not
   * newer, whatever the commit order.
   *
   * @param keys the business key columns
   * @return the merge strategy; add {@link Merge#deletingMissingWithin} to delete keys missing from
   *     the slice, {@link Merge#newerBy} to keep the newest row per key
   */
  static Merge merge(String... keys) {
    return new Merge(List.of(keys), List.of(), null);
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
   * @param newerBy when not null, the column that orders versions of a row: an incoming row only
   *     replaces an existing one whose value is not greater ({@code existing <= incoming})
   */
  record Merge(List<String> keys, List<String> deleteMissingWithin, @Nullable String newerBy) implements WriteStrategy {
    /**
     * Validates the columns.
     *
     * @param keys business key columns
     * @param deleteMissingWithin dimension columns scoping the delete of missing keys
     * @param newerBy column ordering versions of a row, or null for last commit wins
     */
    public Merge {
      keys = nonEmpty(keys, "merge", "key column", "order_id");
      deleteMissingWithin = List.copyOf(deleteMissingWithin);
      if (newerBy != null) {
        String column = nonEmpty(List.of(newerBy), "newerBy", "column", "changed_at").get(0);
        if (keys.stream().anyMatch(k -> k.equalsIgnoreCase(column))) {
          throw new InvalidConfigurationException("merge(" + String.join(", ", keys) + ").newerBy(\"" + column
              + "\"): the ordering column is a key column; expected a column such as changed_at or version that"
              + " tells which row of a key is newer");
        }
      }
    }

    /**
     * Also deletes rows of the slice's partitions whose keys the slice no longer produces.
     *
     * @param partitionColumns dimension columns that identify the slice's rows (as for
     *     {@link WriteStrategy#overwritePartition})
     * @return the changed strategy
     */
    public Merge deletingMissingWithin(String... partitionColumns) {
      return new Merge(keys, nonEmpty(List.of(partitionColumns), "deletingMissingWithin", "column", "day"), newerBy);
    }

    /**
     * Keeps the newest row per key whatever order slices commit in: an incoming row replaces an
     * existing row of its key only when the existing row's {@code column} is not greater
     * ({@code existing <= incoming}), so an older slice that commits later, or an old partition run
     * again, never rolls a key back. Equal values replace (a re-run slice is idempotent); a row whose
     * value is null is never replaced and an incoming null never replaces (SQL comparison with null).
     * The comparison happens inside the destination's upsert, atomically per row.
     *
     * <pre>{@code
     * WriteStrategy.merge("customer_id").newerBy("changed_at");
     * }</pre>
     *
     * @param column a column of the written rows (not a key) whose values order the versions of a
     *     row: a change time, a version number
     * @return the changed strategy
     */
    public Merge newerBy(String column) {
      return new Merge(keys, deleteMissingWithin, column);
    }

    /**
     * Returns the column ordering versions of a row.
     *
     * @return the column, or empty for last commit wins
     */
    public Optional<String> newerByColumn() {
      return Optional.ofNullable(newerBy);
    }

    @Override
    public String describe() {
      return "merge(" + String.join(", ", keys) + ")"
          + (newerBy == null ? "" : " newer by " + newerBy)
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
