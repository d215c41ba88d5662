package dev.backfill.examples;

import dev.backfill.examples.DailyRevenuePipeline.Order;
import dev.backfill.testkit.InMemorySource;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** Test data: every day, customers 1-3 order twice; customer 3 gets a refund on even days. */
final class Orders {
  private Orders() {}

  static InMemorySource<Order> everyDay() {
    return InMemorySource.generated(p -> ordersOf((LocalDate) p.dimensions().get("day")));
  }

  static List<Order> ordersOf(LocalDate day) {
    List<Order> orders = new ArrayList<>();
    long base = day.toEpochDay() * 100;
    for (long c = 1; c <= 3; c++) {
      orders.add(new Order(base + c * 10 + 1, c, day, c * 1000, false));
      orders.add(new Order(base + c * 10 + 2, c, day, day.getDayOfMonth() * 10L, false));
    }
    if (day.getDayOfMonth() % 2 == 0) {
      orders.add(new Order(base + 99, 3, day, 300, true));
    }
    return orders;
  }

  /** What the pipeline must compute for a customer and day. */
  static long revenue(LocalDate day, long customer) {
    return customer * 1000 + day.getDayOfMonth() * 10L - (customer == 3 && day.getDayOfMonth() % 2 == 0 ? 300 : 0);
  }
}
