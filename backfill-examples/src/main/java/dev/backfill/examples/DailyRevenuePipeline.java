package dev.backfill.examples;

import static java.util.Objects.requireNonNull;

import dev.backfill.Backfill;
import dev.backfill.Partition;
import dev.backfill.Partitioning;
import dev.backfill.Row;
import dev.backfill.SliceCheck;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.SourceNode;
import dev.backfill.spi.StateStore;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.TreeMap;

/**
 * A user's pipeline, as it would live in a host application: daily revenue per customer from order
 * events, with refunds netted out (the "2024-06-fix-refunds" change that made the backfill
 * necessary). The test kit example in {@code src/test} tests it without a database.
 *
 * <pre>{@code
 * Backfill<Row> backfill = DailyRevenuePipeline.create(ordersSource, martTable, stateStore);
 * backfill.execute(backfill.plan(PartitionRange.of("2024-01-01", "2024-03-31"))).await();
 * }</pre>
 */
public final class DailyRevenuePipeline {
  /** The backfilled table. */
  public static final String TARGET = "mart.daily_revenue";
  /** Days are Berlin days. */
  public static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
  /** The logic version after the refund fix. */
  public static final String LOGIC_VERSION = "2024-06-fix-refunds";

  private DailyRevenuePipeline() {}

  /**
   * One order event.
   *
   * @param orderId order id
   * @param customerId customer id
   * @param day the Berlin day of the order
   * @param amountCents amount in cents
   * @param refund true for a refund of an earlier order (subtracted)
   */
  public record Order(long orderId, long customerId, LocalDate day, long amountCents, boolean refund) {}

  /**
   * Configures the pipeline on a builder (production passes {@code Backfill.builder(TARGET)}; tests
   * pass the test driver's builder, which brings a virtual clock and a steppable store).
   *
   * @param builder a builder for {@link #TARGET}
   * @param orders where order events come from
   * @param mart the {@code mart.daily_revenue} table
   * @return the backfill
   */
  public static Backfill<Row> configure(Backfill.Builder<Object> builder, SourceNode<Order> orders, DestinationNode<Row> mart) {
    return builder.partitioning(Partitioning.daily(ZONE))
        .source(revenuePerCustomer(orders))
        .destination(mart)
        .strategy(WriteStrategy.overwritePartition("day"))
        .check(SliceCheck.minRows(1))
        .check(SliceCheck.maxNullRate("customer_id", 0.0))
        .logicVersion(LOGIC_VERSION)
        .build();
  }

  /**
   * The production wiring.
   *
   * @param orders order events
   * @param mart the mart table
   * @param store the state store
   * @return the backfill
   */
  public static Backfill<Row> create(SourceNode<Order> orders, DestinationNode<Row> mart, StateStore store) {
    return configure(Backfill.builder(TARGET).stateStore(requireNonNull(store, "store")), orders, mart);
  }

  /** Sums a slice's orders per day and customer, refunds negative: the logic being backfilled. */
  static SourceNode<Row> revenuePerCustomer(SourceNode<Order> orders) {
    requireNonNull(orders, "orders");
    return new SourceNode<>() {
      @Override
      public void read(dev.backfill.Slice slice, dev.backfill.spi.SliceContext context,
          dev.backfill.spi.RecordSink<? super Row> sink) throws Exception {
        Map<LocalDate, Map<Long, Long>> revenue = new TreeMap<>();
        orders.read(slice, context, order -> revenue.computeIfAbsent(order.day(), d -> new TreeMap<>())
            .merge(order.customerId(), order.refund() ? -order.amountCents() : order.amountCents(), Long::sum));
        revenue.forEach((day, perCustomer) -> perCustomer.forEach((customer, cents) ->
            sink.accept(Row.of("day", day, "customer_id", customer, "revenue_cents", cents))));
      }

      @Override
      public dev.backfill.spi.Availability availability(Partition partition) throws Exception {
        return orders.availability(partition);
      }

      @Override
      public String describe() {
        return "revenue per customer of " + orders.describe();
      }
    };
  }
}
