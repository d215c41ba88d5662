package com.example.orders;

import dev.backfill.Backfill;
import dev.backfill.Partitioning;
import dev.backfill.Row;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.SourceNode;
import dev.backfill.testkit.InMemorySource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/** The user's pipeline under test: two orders a day, written day by day. */
final class Orders {
  static final Partitioning DAYS = Partitioning.daily(ZoneOffset.UTC);

  private Orders() {}

  static InMemorySource<Row> twoADay() {
    return InMemorySource.generated(p -> {
      LocalDate day = (LocalDate) p.dimensions().get("day");
      return List.of(Row.of("day", day, "order_id", day.toEpochDay() * 10 + 1),
          Row.of("day", day, "order_id", day.toEpochDay() * 10 + 2));
    });
  }

  static Backfill<Row> pipeline(Backfill.Builder<Object> builder, SourceNode<Row> orders, DestinationNode<Row> mart) {
    return builder.partitioning(DAYS).source(orders).destination(mart).strategy(WriteStrategy.overwritePartition("day"))
        .build();
  }
}
