package dev.backfill;

import dev.backfill.spi.RecordSink;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SourceNode;
import java.time.LocalDate;
import java.util.function.BiConsumer;

/**
 * A source for core tests: each partition of a daily target yields {@code rowsPerDay} rows
 * {@code (day, id, amount)}; a hook runs before each read to inject failures or delays.
 */
final class TestSource implements SourceNode<Row> {
  private final int rowsPerDay;
  private final BiConsumer<Slice, SliceContext> beforeRead;

  TestSource(int rowsPerDay) {
    this(rowsPerDay, (s, c) -> { });
  }

  TestSource(int rowsPerDay, BiConsumer<Slice, SliceContext> beforeRead) {
    this.rowsPerDay = rowsPerDay;
    this.beforeRead = beforeRead;
  }

  @Override
  public void read(Slice slice, SliceContext context, RecordSink<? super Row> sink) {
    beforeRead.accept(slice, context);
    for (Partition p : slice.partitions()) {
      LocalDate day = (LocalDate) p.tokens().get("start_date");
      for (int i = 0; i < rowsPerDay; i++) {
        sink.accept(Row.of("day", day, "id", day + "#" + i, "amount", (long) day.getDayOfMonth() * 100 + i));
      }
    }
  }
}
