package dev.backfill.jdbc.reliability;

import dev.backfill.Partition;
import dev.backfill.Row;
import dev.backfill.Slice;
import dev.backfill.spi.RecordSink;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SourceNode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The source of every reliability test: for each day a fixed number of rows computed from the day
 * alone ({@link #rowsOf}), so a clean run and an interrupted-then-resumed run must produce the same
 * table. A short sleep per partition keeps slices in flight long enough for kills and faults to land
 * mid-slice; an optional hook lets a test act between two rows of a slice.
 */
final class GeneratedSource implements SourceNode<Row> {
  static final Row.Header HEADER = Row.header(List.of("day", "id", "amount", "label"));

  /** Called before each row is handed to the writer. */
  @FunctionalInterface
  interface Hook {
    /**
     * @param slice the slice being read
     * @param attempt its attempt number
     * @param row index of the row about to be emitted within the slice
     */
    void before(Slice slice, int attempt, int row) throws Exception;
  }

  private final String label;
  private final int rowsPerDay;
  private final long sleepMillis;
  private final Hook hook;

  GeneratedSource(String label, int rowsPerDay, long sleepMillis, Hook hook) {
    this.label = label;
    this.rowsPerDay = rowsPerDay;
    this.sleepMillis = sleepMillis;
    this.hook = hook;
  }

  GeneratedSource(String label, int rowsPerDay, long sleepMillis) {
    this(label, rowsPerDay, sleepMillis, (s, a, r) -> {});
  }

  /** The rows the source produces for a day, labelled. */
  static List<Row> rowsOf(LocalDate day, int rowsPerDay, String label) {
    List<Row> rows = new ArrayList<>(rowsPerDay);
    for (int i = 0; i < rowsPerDay; i++) {
      rows.add(HEADER.row(day, id(day, i), amount(day, i, label), label));
    }
    return rows;
  }

  /** Ids are unique across days, so merge keys never move a row to another day. */
  static long id(LocalDate day, int i) {
    return day.toEpochDay() * 1000 + i;
  }

  static long amount(LocalDate day, int i, String label) {
    return Math.floorMod((day.toEpochDay() * 31 + i) * 17 + label.hashCode(), 100_000);
  }

  @Override
  public void read(Slice slice, SliceContext context, RecordSink<? super Row> sink) throws Exception {
    int n = 0;
    for (Partition p : slice.partitions()) {
      // The sleep stands for the source's query time; interruptible, so an IMMEDIATE cancel or a
      // lost lease ends it at once.
      Thread.sleep(sleepMillis);
      context.throwIfCancelled();
      LocalDate day = LocalDate.parse(p.key().value());
      for (Row row : rowsOf(day, rowsPerDay, label)) {
        hook.before(slice, context.attempt(), n++);
        sink.accept(row);
      }
    }
  }

  @Override
  public String describe() {
    return "GeneratedSource(" + label + ", " + rowsPerDay + " rows/day)";
  }
}
