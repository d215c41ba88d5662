package dev.backfill;

import dev.backfill.spi.RecordSink;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SourceNode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;

/** Shared builders for executor tests. */
final class Fixtures {
  static final PartitionRange MARCH = PartitionRange.of("2024-03-01", "2024-03-31");
  static final Sleeper NO_WAIT = d -> { };

  private Fixtures() {}

  /** A source step that may throw checked exceptions (sleep, await). */
  @FunctionalInterface
  interface Step {
    void run(Slice slice, SliceContext ctx) throws Exception;
  }

  /** Two rows per day, after running a step. */
  static SourceNode<Row> source(Step before) {
    return new SourceNode<>() {
      @Override
      public void read(Slice slice, SliceContext ctx, RecordSink<? super Row> sink) throws Exception {
        before.run(slice, ctx);
        for (Partition p : slice.partitions()) {
          LocalDate day = (LocalDate) p.tokens().get("start_date");
          sink.accept(Row.of("day", day, "id", day + "#1", "amount", 1L));
          sink.accept(Row.of("day", day, "id", day + "#2", "amount", 2L));
        }
      }
    };
  }

  static Backfill.Builder<Row> daily(SourceNode<Row> source, TestDestination dest) {
    return Backfill.builder("orders")
        .partitioning(Partitioning.daily(ZoneOffset.UTC))
        .source(source)
        .destination(dest)
        .strategy(WriteStrategy.overwritePartition("day"))
        .sleeper(NO_WAIT);
  }

  static List<String> days(List<Row> rows) {
    return rows.stream().map(r -> r.get("day").toString()).distinct().sorted().toList();
  }

  static List<Row> sorted(List<Row> rows) {
    return rows.stream().sorted(Comparator.comparing(r -> r.get("id").toString())).toList();
  }
}
