package dev.backfill.examples;

import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.SliceCheck;
import dev.backfill.SliceStats;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.SliceStatsCollector;
import dev.backfill.spi.SliceWriter;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The README's first command: a small daily backfill over in-memory data that prints the plan and
 * the result.
 */
public final class DemoBackfill {
  private DemoBackfill() {}

  /**
   * Runs the demo.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    Map<LocalDate, List<Row>> revenueByDay = new TreeMap<>();
    Backfill<Row> backfill = Backfill.builder("mart.daily_revenue")
        .partitioning(Partitioning.daily(ZoneId.of("Europe/Berlin")))
        .<Row>source((slice, ctx, sink) -> {
          LocalDate day = (LocalDate) slice.tokens().get("start_date");
          for (int customer = 1; customer <= 3; customer++) {
            sink.accept(Row.of("day", day, "customer_id", customer, "revenue", day.getDayOfMonth() * 10L * customer));
          }
        })
        .destination(new DayTable(revenueByDay))
        .strategy(WriteStrategy.overwritePartition("day"))
        .check(SliceCheck.minRows(1))
        .check(SliceCheck.maxNullRate("customer_id", 0.0))
        .logicVersion("demo-1")
        .build();

    BackfillPlan plan = backfill.plan(PartitionRange.of("2024-03-25", "2024-04-02"));
    System.out.println(plan.describe());
    RunReport report = backfill.execute(plan, ExecutionOptions.builder().maxConcurrency(2).build()).await();
    System.out.println(report.summary());
    revenueByDay.forEach((day, rows) -> System.out.println("  " + day + " -> " + rows.size() + " rows, revenue "
        + rows.stream().mapToLong(r -> (Long) r.get("revenue")).sum()));
    System.out.println();
    System.out.println("Planning the same range again selects nothing:");
    System.out.println(backfill.plan(PartitionRange.of("2024-03-25", "2024-04-02")).describe());
  }

  /** A map from day to rows, replaced per slice on commit. */
  private record DayTable(Map<LocalDate, List<Row>> days) implements DestinationNode<Row> {
    @Override
    public SliceWriter<Row> open(dev.backfill.Slice slice, WriteStrategy strategy, dev.backfill.spi.SliceContext ctx) {
      List<Row> pending = new ArrayList<>();
      SliceStatsCollector stats = new SliceStatsCollector();
      return new SliceWriter<>() {
        @Override
        public void write(List<? extends Row> batch) {
          pending.addAll(batch);
          stats.addAll(batch);
        }

        @Override
        public SliceStats stats() {
          return stats.stats();
        }

        @Override
        public void commit() {
          synchronized (days) {
            days.put((LocalDate) slice.tokens().get("day"), List.copyOf(pending));
          }
        }

        @Override
        public void abort() {
          pending.clear();
        }
      };
    }
  }
}
