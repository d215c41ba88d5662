package dev.backfill.jdbc.internal;

import dev.backfill.Partition;
import dev.backfill.Slice;
import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.jdbc.dialect.TablePartitions;
import dev.backfill.spi.PreflightContext;
import dev.backfill.spi.PreflightFinding;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A destination table's native partitions as they bear on an overwrite by one column: whether a
 * slice's span is exactly whole partitions, so that overwrite may replace them (TRUNCATE on
 * PostgreSQL, EXCHANGE PARTITION on MariaDB) instead of deleting row by row, and if not, why not.
 *
 * <p>Replacing partitions is the same as {@code DELETE ... WHERE column BETWEEN first AND last} only
 * when the partitions that can hold a value of the span hold nothing else; anything the catalog does
 * not show plainly (hash or expression partitioning, triggers that TRUNCATE would not fire, foreign
 * keys, bounds of another type than the span) falls back to the delete.
 */
final class PartitionLayout {
  /** The metric a slice reports when it replaced partitions: how many. */
  static final String METRIC = "jdbc.partitions_replaced";
  /** Plans longer than this are not judged partition by partition in the preflight. */
  private static final int PREFLIGHT_LIMIT = 100_000;

  private final TablePartitions partitions;
  private final TablePartitions.Replacement replacement;
  private final List<String> obstacles;

  private PartitionLayout(TablePartitions partitions, TablePartitions.Replacement replacement, List<String> obstacles) {
    this.partitions = partitions;
    this.replacement = replacement;
    this.obstacles = obstacles;
  }

  /** What a slice does: replace these partitions, or delete its span for the reason given. */
  record Verdict(List<TablePartitions.Part> replace, @Nullable String reason) {
    boolean replaces() {
      return reason == null;
    }
  }

  /**
   * The one column an overwrite could replace partitions by, when the strategy has exactly one and
   * the engine can replace partitions.
   */
  static Optional<String> column(Dialect d, WriteStrategy strategy) {
    if (d.partitionReplacement() != TablePartitions.Replacement.NONE
        && strategy instanceof WriteStrategy.OverwritePartition o && o.columns().size() == 1) {
      return Optional.of(o.columns().get(0));
    }
    return Optional.empty();
  }

  /**
   * Reads the table's partitioning for an overwrite by {@code column}; empty when the table is not
   * natively partitioned.
   */
  static Optional<PartitionLayout> read(Connection c, Dialect d, TableName table, String column) throws SQLException {
    Optional<TablePartitions> found = d.partitions(c, table.schema(), table.table());
    if (found.isEmpty()) {
      return Optional.empty();
    }
    TablePartitions p = found.get();
    List<String> obstacles = new ArrayList<>(p.obstacles());
    if (p.column() == null) {
      obstacles.add(0, "it is partitioned by an expression or by several columns, not by column " + column);
    } else if (!p.column().equalsIgnoreCase(column)) {
      obstacles.add(0, "it is partitioned by column " + p.column() + ", not by the overwritten column " + column);
    }
    if (p.method().equals("hash") || p.method().endsWith("key")) {
      obstacles.add(0, p.method() + " partitions do not hold a span of values");
    } else if (!p.method().equals("range") && !p.method().equals("list")) {
      obstacles.add(0, "it is partitioned by " + p.method());
    }
    List<String> triggers = d.triggers(c, table.schema(), table.table());
    if (!triggers.isEmpty()) {
      obstacles.add("it has triggers " + triggers + " that replacing a partition would not fire");
    }
    List<String> referencing = d.referencingTables(c, table.schema(), table.table());
    if (!referencing.isEmpty()) {
      obstacles.add("foreign keys refer to it: " + referencing);
    }
    return Optional.of(new PartitionLayout(p, d.partitionReplacement(), List.copyOf(obstacles)));
  }

  /** Why no slice can replace partitions of this table; empty when slices may. */
  List<String> obstacles() {
    return obstacles;
  }

  TablePartitions.Replacement replacement() {
    return replacement;
  }

  /** Judges a slice's span of the partition column. */
  Verdict judge(String sliceKey, Slice.Span span) {
    if (!obstacles.isEmpty()) {
      return delete(String.join("; ", obstacles));
    }
    List<TablePartitions.Part> touched;
    if (span.first() instanceof LocalDate first && span.last() instanceof LocalDate last) {
      try {
        touched = partitions.method().equals("range") ? dateRanges(sliceKey, first, last.plusDays(1))
            : listed(sliceKey, span, v -> LocalDate.parse(v));
      } catch (DateTimeParseException e) {
        return delete("the partition bounds are not dates (" + e.getParsedString() + ")");
      } catch (NotWhole e) {
        return delete(e.getMessage());
      }
    } else if (span.first() instanceof String && partitions.method().equals("list")) {
      if (!span.single()) {
        return delete("slice " + sliceKey + " spans several keys, which a text column may compare otherwise");
      }
      try {
        touched = listed(sliceKey, span, v -> v);
      } catch (NotWhole e) {
        return delete(e.getMessage());
      }
    } else {
      return delete("values of type " + span.first().getClass().getSimpleName() + " in " + partitions.method()
          + " partitions are not judged");
    }
    if (touched.isEmpty()) {
      return delete("no partition holds the values of slice " + sliceKey);
    }
    if (replacement == TablePartitions.Replacement.EXCHANGE && touched.size() > 1) {
      return delete("slice " + sliceKey + " spans " + touched.size() + " partitions; a partition is exchanged one per slice");
    }
    return new Verdict(touched, null);
  }

  private static Verdict delete(String reason) {
    return new Verdict(List.of(), reason);
  }

  /** Thrown when a span covers part of a partition, or values it may hold fall in a default one. */
  private static final class NotWhole extends Exception {
    NotWhole(String message) {
      super(message, null, false, false);
    }
  }

  /** The range partitions that hold values in {@code [start, end)}, all of them within it. */
  private List<TablePartitions.Part> dateRanges(String sliceKey, LocalDate start, LocalDate end) throws NotWhole {
    record Bounded(TablePartitions.Part part, @Nullable LocalDate from, @Nullable LocalDate to) {}
    List<Bounded> touched = new ArrayList<>();
    boolean hasDefault = false;
    for (TablePartitions.Part p : partitions.parts()) {
      if (p.isDefault()) {
        hasDefault = true;
        continue;
      }
      LocalDate from = p.from() == null ? null : LocalDate.parse(p.from());
      LocalDate to = p.to() == null ? null : LocalDate.parse(p.to());
      if ((from == null || from.isBefore(end)) && (to == null || to.isAfter(start))) {
        if (from == null || to == null || from.isBefore(start) || to.isAfter(end)) {
          throw new NotWhole("slice " + sliceKey + " covers part of partition " + p.describe());
        }
        touched.add(new Bounded(p, from, to));
      }
    }
    touched.sort(Comparator.comparing(Bounded::from));
    LocalDate covered = start;
    for (Bounded b : touched) {
      if (!b.from().equals(covered)) {
        break;
      }
      covered = b.to();
    }
    if (hasDefault && !covered.equals(end)) {
      throw new NotWhole("values of slice " + sliceKey + " may lie in the DEFAULT partition");
    }
    return touched.stream().map(Bounded::part).toList();
  }

  /** The list partitions that hold values of the span, all of their values within it. */
  private <V> List<TablePartitions.Part> listed(String sliceKey, Slice.Span span,
      java.util.function.Function<String, V> parse) throws NotWhole {
    List<TablePartitions.Part> touched = new ArrayList<>();
    boolean covered = false;
    for (TablePartitions.Part p : partitions.parts()) {
      if (p.isDefault()) {
        continue;
      }
      long inside = p.values().stream().filter(v -> !v.equals("NULL") && span.contains(parse.apply(v))).count();
      if (inside > 0 && inside < p.values().size()) {
        throw new NotWhole("slice " + sliceKey + " covers part of partition " + p.describe());
      }
      if (inside > 0) {
        touched.add(p);
        covered |= span.single();
      }
    }
    if (!covered && partitions.parts().stream().anyMatch(TablePartitions.Part::isDefault)) {
      throw new NotWhole("values of slice " + sliceKey + " may lie in the DEFAULT partition");
    }
    return touched;
  }

  /**
   * The plan's word on native partition overwrite: how many partitions of the range replace whole
   * partitions of the table, and why the others (or all) delete row by row. Nothing when the table is
   * not partitioned or the strategy is not an overwrite by one column.
   */
  static List<PreflightFinding> preflight(Connection c, Dialect d, TableName table, PreflightContext context)
      throws SQLException {
    Optional<String> column = column(d, context.strategy());
    if (column.isEmpty()) {
      return List.of();
    }
    Optional<PartitionLayout> layout = read(c, d, table, column.get());
    if (layout.isEmpty()) {
      return List.of();
    }
    PartitionLayout l = layout.get();
    String how = l.replacement == TablePartitions.Replacement.TRUNCATE
        ? "TRUNCATE of the partitions + insert in the slice's transaction"
        : "a staging table exchanged with the partition after the slice's commit (EXCHANGE PARTITION; at-least-once)";
    if (!l.obstacles.isEmpty()) {
      return List.of(PreflightFinding.warning("native partition overwrite: 0 partitions of " + table
          + " are replaced, overwrite deletes row by row: " + String.join("; ", l.obstacles)));
    }
    dev.backfill.PartitionSequence all = context.partitioning().enumerate(context.range());
    if (all.size() > PREFLIGHT_LIMIT) {
      return List.of(PreflightFinding.warning("native partition overwrite: " + table + " is partitioned by "
          + column.get() + "; each slice whose span is exactly whole partitions replaces them (" + how + ")"));
    }
    int whole = 0;
    List<String> reasons = new ArrayList<>();
    for (long i = 0; i < all.size(); i++) {
      Partition p = all.get(i);
      Verdict v;
      try {
        v = l.judge(p.key().toString(), Slice.of(0, List.of(p)).span(column.get()));
      } catch (IllegalArgumentException e) {
        return List.of(); // the column is no dimension of the partitioning: writing says so
      }
      if (v.replaces()) {
        whole++;
      } else if (reasons.size() < 3) {
        reasons.add(v.reason());
      }
    }
    StringBuilder m = new StringBuilder("native partition overwrite: ").append(whole).append(" of ").append(all.size())
        .append(" partitions of the range are whole partitions of ").append(table);
    if (whole > 0) {
      m.append(", replaced by ").append(how);
    }
    if (whole < all.size()) {
      m.append("; ").append(all.size() - whole).append(" delete row by row: ").append(String.join("; ", reasons));
      if (all.size() - whole > reasons.size()) {
        m.append("; ...");
      }
    }
    return List.of(PreflightFinding.warning(m.toString()));
  }
}
