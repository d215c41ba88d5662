package dev.backfill.testkit;

import dev.backfill.Backfill;
import dev.backfill.Partitioning;
import dev.backfill.Row;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.SourceNode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Data and pipelines shared by the kit's own tests. */
final class Fixtures {
  private Fixtures() {}

  static Row row(String day, long id, String note) {
    return Row.of("day", LocalDate.parse(day), "id", id, "note", note);
  }

  /** A source with {@code perDay} rows for each day of March 2024, ids unique per day. */
  static InMemorySource<Row> march(int perDay) {
    return InMemorySource.generated(p -> {
      LocalDate day = (LocalDate) p.dimensions().get("day");
      List<Row> rows = new ArrayList<>();
      for (int i = 1; i <= perDay; i++) {
        rows.add(Row.of("day", day, "id", day.getDayOfMonth() * 100L + i, "note", "v1"));
      }
      return rows;
    });
  }

  static Backfill<Row> daily(Backfill.Builder<Object> builder, SourceNode<Row> source, DestinationNode<Row> destination,
      WriteStrategy strategy) {
    return builder.partitioning(Partitioning.daily(ZoneOffset.UTC))
        .source(source)
        .destination(destination)
        .strategy(strategy)
        .build();
  }
}
