package dev.backfill;

import static java.util.Objects.requireNonNull;

import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * An assertion evaluated on a slice after it was written and before it commits. A failing check
 * aborts the slice, so nothing of it becomes visible, and marks it {@code FAILED_CHECK} with the
 * measured figure and the bound (for example {@code rows 0 < minRows 1}). A {@link #warn()} check
 * only records its result. Checks are not retried: the same data would fail again.
 *
 * <pre>{@code
 * Backfill.builder("mart.daily_revenue")
 *     .check(SliceCheck.minRows(1))
 *     .check(SliceCheck.maxNullRate("customer_id", 0.0))
 *     .check(SliceCheck.rowCountWithin(0.5, 2.0).warn())
 *     .check(SliceCheck.of("revenue reported", stats -> stats.metrics().containsKey("revenue")));
 * }</pre>
 *
 * <p>Implementations must be thread-safe; a check may run for several slices at once.
 */
@FunctionalInterface
public interface SliceCheck {

  /**
   * Evaluates the check.
   *
   * @param context the slice, its stats and the writer's resources
   * @return the result, with measured figure and bound in its message
   * @throws Exception if the check cannot be evaluated (counts as a failed slice attempt)
   */
  CheckResult evaluate(CheckContext context) throws Exception;

  /**
   * Returns the severity of a failure.
   *
   * @return {@link CheckResult.Severity#ERROR} unless made a warning with {@link #warn()}
   */
  default CheckResult.Severity severity() {
    return CheckResult.Severity.ERROR;
  }

  /**
   * Checks, before anything runs, that every token this check refers to (for example in a SQL
   * check's query) is defined.
   *
   * @param tokens the token names every slice of the plan defines
   * @throws UnknownTokenException naming the unknown token and the known ones
   */
  default void validate(java.util.Set<String> tokens) {}

  /**
   * Returns a copy whose failures are recorded but do not abort the slice.
   *
   * @return the warning check
   */
  default SliceCheck warn() {
    SliceCheck self = this;
    return new SliceCheck() {
      @Override
      public CheckResult evaluate(CheckContext context) throws Exception {
        CheckResult r = self.evaluate(context);
        return new CheckResult(r.check(), r.passed(), CheckResult.Severity.WARN, r.message());
      }

      @Override
      public CheckResult.Severity severity() {
        return CheckResult.Severity.WARN;
      }

      @Override
      public void validate(java.util.Set<String> tokens) {
        self.validate(tokens);
      }
    };
  }

  /**
   * Requires at least {@code n} rows.
   *
   * @param n minimum rows, {@code >= 0}
   * @return the check
   */
  static SliceCheck minRows(long n) {
    if (n < 0) {
      throw new InvalidConfigurationException("minRows must be >= 0, got " + n);
    }
    String name = "minRows(" + n + ")";
    return ctx -> {
      long rows = ctx.stats().rows();
      return rows >= n ? pass(name, "rows " + rows + " >= minRows " + n)
          : fail(name, "rows " + rows + " < minRows " + n);
    };
  }

  /**
   * Requires the share of nulls in a column to be at most {@code ratio}.
   *
   * @param column column name
   * @param ratio maximum null rate in [0, 1]
   * @return the check; a column absent from a non-empty slice fails it
   */
  static SliceCheck maxNullRate(String column, double ratio) {
    requireNonNull(column, "column");
    if (!(ratio >= 0 && ratio <= 1)) {
      throw new InvalidConfigurationException("maxNullRate ratio for " + column + " must be within [0, 1], got " + ratio);
    }
    String name = "maxNullRate(" + column + ", " + ratio + ")";
    return ctx -> {
      SliceStats stats = ctx.stats();
      OptionalDouble rate = stats.nullRate(column);
      if (rate.isEmpty()) {
        return fail(name, "column " + column + " not found in the slice's rows (columns: "
            + String.join(", ", new java.util.TreeSet<>(stats.nulls().keySet())) + ")");
      }
      long nulls = stats.nulls().getOrDefault(column, 0L);
      String figure = "null rate of " + column + " " + fmt(rate.getAsDouble()) + " (" + nulls + " of " + stats.rows() + " rows)";
      return rate.getAsDouble() <= ratio ? pass(name, figure + " <= maxNullRate " + fmt(ratio))
          : fail(name, figure + " > maxNullRate " + fmt(ratio));
    };
  }

  /**
   * Requires the row count to stay within a ratio of the rows the same partitions had at their last
   * success. Passes when there is no history yet.
   *
   * @param minRatio lowest allowed ratio, e.g. 0.5
   * @param maxRatio highest allowed ratio, e.g. 2.0
   * @return the check
   */
  static SliceCheck rowCountWithin(double minRatio, double maxRatio) {
    if (!(minRatio >= 0 && maxRatio >= minRatio)) {
      throw new InvalidConfigurationException("rowCountWithin needs 0 <= minRatio <= maxRatio, got "
          + minRatio + " and " + maxRatio);
    }
    String name = "rowCountWithin(" + minRatio + ", " + maxRatio + ")";
    return ctx -> {
      OptionalLong previous = ctx.previousRows();
      long rows = ctx.stats().rows();
      if (previous.isEmpty()) {
        return pass(name, "no previous success to compare " + rows + " rows with");
      }
      long before = previous.getAsLong();
      double ratio = before == 0 ? (rows == 0 ? 1.0 : Double.POSITIVE_INFINITY) : (double) rows / before;
      String figure = "rows " + rows + " vs " + before + " before (ratio " + fmt(ratio) + ")";
      return ratio >= minRatio && ratio <= maxRatio ? pass(name, figure + " within [" + minRatio + ", " + maxRatio + "]")
          : fail(name, figure + " outside [" + minRatio + ", " + maxRatio + "]");
    };
  }

  /**
   * A custom check on the slice's stats.
   *
   * @param name name shown in results, e.g. {@code "revenue reported"}
   * @param predicate true when the slice is acceptable
   * @return the check
   */
  static SliceCheck of(String name, Predicate<SliceStats> predicate) {
    requireNonNull(name, "name");
    requireNonNull(predicate, "predicate");
    return ctx -> predicate.test(ctx.stats()) ? pass(name, "holds for " + ctx.stats().rows() + " rows")
        : fail(name, "does not hold for " + ctx.stats().rows() + " rows");
  }

  /**
   * A passed result.
   *
   * @param check check name
   * @param message measured figure and bound
   * @return the result
   */
  static CheckResult pass(String check, String message) {
    return new CheckResult(check, true, CheckResult.Severity.ERROR, message);
  }

  /**
   * A failed result.
   *
   * @param check check name
   * @param message measured figure and bound
   * @return the result
   */
  static CheckResult fail(String check, String message) {
    return new CheckResult(check, false, CheckResult.Severity.ERROR, message);
  }

  private static String fmt(double d) {
    if (Double.isInfinite(d) || Double.isNaN(d)) {
      return String.valueOf(d);
    }
    return new java.math.BigDecimal(d).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
  }
}
