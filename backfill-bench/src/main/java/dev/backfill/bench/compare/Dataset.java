package dev.backfill.bench.compare;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The generated source every contender reads: {@code rows} events spread evenly over {@code days}
 * consecutive days from {@code firstDay}. Values are a pure function of the row number, so every
 * engine and every repetition holds the same data.
 *
 * @param rows number of events
 * @param days number of days, one slice each
 * @param firstDay first day
 */
public record Dataset(long rows, int days, LocalDate firstDay) {

  private static final String[] REGIONS = {"eu", "us", "apac", "latam"};

  /**
   * Validates the sizes.
   *
   * @param rows number of events
   * @param days number of days
   * @param firstDay first day
   */
  public Dataset {
    if (rows < 1 || days < 1) {
      throw new IllegalArgumentException("rows " + rows + " and days " + days + " must both be 1 or more");
    }
  }

  /**
   * The days of the dataset, in order.
   *
   * @return one entry per day
   */
  public List<LocalDate> dayList() {
    List<LocalDate> list = new ArrayList<>(days);
    for (int i = 0; i < days; i++) {
      list.add(firstDay.plusDays(i));
    }
    return list;
  }

  /**
   * The last day, inclusive.
   *
   * @return last day
   */
  public LocalDate lastDay() {
    return firstDay.plusDays(days - 1L);
  }

  /**
   * The day of row {@code i}.
   *
   * @param i row number from 0
   * @return its day
   */
  LocalDate day(long i) {
    return firstDay.plusDays(i % days);
  }

  /**
   * The customer of row {@code i}.
   *
   * @param i row number from 0
   * @return customer id
   */
  static long customer(long i) {
    return (i * 7919) % 50_000;
  }

  /**
   * The amount of row {@code i}: 0.00 to 999.99.
   *
   * @param i row number from 0
   * @return amount with two decimals
   */
  static BigDecimal amount(long i) {
    return BigDecimal.valueOf((i * 37) % 100_000, 2);
  }

  /**
   * The region of row {@code i}.
   *
   * @param i row number from 0
   * @return region key
   */
  static String region(long i) {
    return REGIONS[(int) (i % REGIONS.length)];
  }
}
