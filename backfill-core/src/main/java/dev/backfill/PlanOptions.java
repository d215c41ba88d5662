package dev.backfill;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How {@link Backfill#plan} selects, orders, batches and prices partitions. Immutable; every
 * {@code with}-style method returns a copy.
 *
 * <pre>{@code
 * PlanOptions.defaults()
 *     .select(Selection.MISSING, Selection.FAILED, Selection.LOGIC_CHANGED)
 *     .order(PlanOptions.Order.NEWEST_FIRST)
 *     .batchSize(7)
 *     .onUnavailable(PlanOptions.Unavailable.SKIP)
 *     .maxDuration(Duration.ofHours(2))
 *     .lateness(Duration.ofHours(1));          // a day is complete one hour after its midnight
 * }</pre>
 *
 * @param selection which partitions to plan
 * @param order execution order of slices
 * @param batchSize consecutive partitions per slice
 * @param unavailable what to do with partitions whose upstream data is gone
 * @param concurrency slices expected to run at once, for the duration estimate
 * @param estimateRows whether to ask the source for row estimates
 * @param maxRows budget on estimated rows, or null for none
 * @param maxDuration budget on estimated duration, or null for none
 * @param environment name of the environment the plan is for (e.g. staging, prod)
 * @param lateness how long after its end a time partition may still receive data; it is complete
 *     when {@code end + lateness <= now}
 * @param partialAllowed plan partitions that are not complete yet (their runs are partial and are
 *     planned again as {@link Selection#PARTIAL} once complete)
 */
public record PlanOptions(
    Set<Selection> selection,
    Order order,
    int batchSize,
    Unavailable unavailable,
    int concurrency,
    boolean estimateRows,
    @Nullable Long maxRows,
    @Nullable Duration maxDuration,
    String environment,
    Duration lateness,
    boolean partialAllowed) {

  /** Execution order of the planned slices. */
  public enum Order {
    /** Oldest partitions first (partition order). */
    OLDEST_FIRST,
    /** Newest partitions first (reverse partition order). */
    NEWEST_FIRST
  }

  /** What the planner does with partitions whose upstream data is gone. */
  public enum Unavailable {
    /** Fail the plan with a {@link DataUnavailableException} naming the first and last missing partition. */
    FAIL,
    /** Leave them out of the plan and report them in {@link BackfillPlan#unavailable()}. */
    SKIP
  }

  /**
   * Validates the options.
   *
   * @param selection selection modes
   * @param order order
   * @param batchSize partitions per slice
   * @param unavailable unavailability policy
   * @param concurrency concurrency for the estimate
   * @param estimateRows ask for estimates
   * @param maxRows row budget
   * @param maxDuration duration budget
   * @param environment environment name
   * @param lateness allowed lateness after a partition's end
   * @param partialAllowed plan incomplete partitions too
   */
  public PlanOptions {
    requireNonNull(order, "order");
    requireNonNull(lateness, "lateness");
    if (lateness.isNegative()) {
      throw new InvalidConfigurationException("lateness " + lateness + " is negative; expected zero or a positive duration"
          + " such as Duration.ofHours(2)");
    }
    requireNonNull(unavailable, "unavailable");
    requireNonNull(environment, "environment");
    if (selection.isEmpty()) {
      throw new InvalidConfigurationException("selection is empty; expected at least one of " + List.of(Selection.values()));
    }
    selection = Set.copyOf(EnumSet.copyOf(selection));
    if (batchSize < 1) {
      throw new InvalidConfigurationException("batchSize " + batchSize + " is not allowed; expected 1 or more partitions per slice");
    }
    if (concurrency < 1) {
      throw new InvalidConfigurationException("concurrency " + concurrency + " is not allowed; expected 1 or more");
    }
    if (maxRows != null && maxRows < 0) {
      throw new InvalidConfigurationException("maxRows " + maxRows + " is negative; expected 0 or more");
    }
    if (maxDuration != null && maxDuration.isNegative()) {
      throw new InvalidConfigurationException("maxDuration " + maxDuration + " is negative; expected a positive duration");
    }
  }

  /**
   * Returns the defaults: select MISSING, FAILED, PARTIAL, INVALIDATED and LOGIC_CHANGED (what needs
   * doing), oldest first, one partition per slice, fail on unavailable data, concurrency 1, row
   * estimates on, no budget, environment {@code default}, no lateness, and only complete partitions
   * (those whose end has passed).
   *
   * @return default options
   */
  public static PlanOptions defaults() {
    return new PlanOptions(EnumSet.of(Selection.MISSING, Selection.FAILED, Selection.PARTIAL, Selection.INVALIDATED,
        Selection.LOGIC_CHANGED), Order.OLDEST_FIRST, 1, Unavailable.FAIL, 1, true, null, null, "default", Duration.ZERO,
        false);
  }

  /**
   * Selects partitions for these reasons.
   *
   * @param modes one or more selection modes
   * @return the changed options
   */
  public PlanOptions select(Selection... modes) {
    // Set.copyOf, unlike Set.of, accepts a mode named twice (select(MISSING, MISSING)).
    return new PlanOptions(Set.copyOf(Arrays.asList(modes)), order, batchSize, unavailable, concurrency, estimateRows, maxRows, maxDuration, environment, lateness, partialAllowed);
  }

  /**
   * Sets the execution order.
   *
   * @param newOrder order
   * @return the changed options
   */
  public PlanOptions order(Order newOrder) {
    return new PlanOptions(selection, newOrder, batchSize, unavailable, concurrency, estimateRows, maxRows, maxDuration, environment, lateness, partialAllowed);
  }

  /**
   * Groups up to {@code n} consecutive partitions of a time partitioning into one slice.
   *
   * @param n partitions per slice, 1 or more
   * @return the changed options
   */
  public PlanOptions batchSize(int n) {
    return new PlanOptions(selection, order, n, unavailable, concurrency, estimateRows, maxRows, maxDuration, environment, lateness, partialAllowed);
  }

  /**
   * Sets what happens to partitions whose upstream data is gone.
   *
   * @param policy FAIL (default) or SKIP
   * @return the changed options
   */
  public PlanOptions onUnavailable(Unavailable policy) {
    return new PlanOptions(selection, order, batchSize, policy, concurrency, estimateRows, maxRows, maxDuration, environment, lateness, partialAllowed);
  }

  /**
   * Sets the concurrency the duration estimate assumes.
   *
   * @param n slices at once
   * @return the changed options
   */
  public PlanOptions concurrency(int n) {
    return new PlanOptions(selection, order, batchSize, unavailable, n, estimateRows, maxRows, maxDuration, environment, lateness, partialAllowed);
  }

  /**
   * Turns the source's row estimates on or off (they may cost a query per partition).
   *
   * @param enabled whether to ask
   * @return the changed options
   */
  public PlanOptions estimateRows(boolean enabled) {
    return new PlanOptions(selection, order, batchSize, unavailable, concurrency, enabled, maxRows, maxDuration, environment, lateness, partialAllowed);
  }

  /**
   * Sets a budget on estimated rows; executing a plan above it (or of unknown size) needs confirmation.
   *
   * @param rows maximum estimated rows
   * @return the changed options
   */
  public PlanOptions maxRows(long rows) {
    return new PlanOptions(selection, order, batchSize, unavailable, concurrency, estimateRows, rows, maxDuration, environment, lateness, partialAllowed);
  }

  /**
   * Sets a budget on estimated duration; executing a plan above it (or of unknown duration) needs confirmation.
   *
   * @param duration maximum estimated duration
   * @return the changed options
   */
  public PlanOptions maxDuration(Duration duration) {
    return new PlanOptions(selection, order, batchSize, unavailable, concurrency, estimateRows, maxRows, duration, environment, lateness, partialAllowed);
  }

  /**
   * Names the environment the plan is for.
   *
   * @param name e.g. {@code staging} or {@code prod}
   * @return the changed options
   */
  public PlanOptions environment(String name) {
    return new PlanOptions(selection, order, batchSize, unavailable, concurrency, estimateRows, maxRows, maxDuration, name, lateness, partialAllowed);
  }

  /**
   * Sets how long after its end a time partition may still receive data (late events, a source that
   * loads with delay). A partition is complete when {@code end + lateness <= now} (the backfill's
   * clock); incomplete partitions are left out of plans and listed in
   * {@link BackfillPlan#incomplete()}, unless {@link #allowPartial()}. Partitions without time
   * (static keys) are always complete.
   *
   * @param lateness zero or more (default zero: a day is complete at its midnight)
   * @return the changed options
   */
  public PlanOptions lateness(Duration lateness) {
    return new PlanOptions(selection, order, batchSize, unavailable, concurrency, estimateRows, maxRows, maxDuration,
        environment, lateness, partialAllowed);
  }

  /**
   * Plans partitions that are not complete yet (the current hour or day), too. Their runs read
   * partial data and succeed; because they succeeded before they were complete, later plans select
   * them again as {@link Selection#PARTIAL} once they are complete.
   *
   * @return the changed options
   */
  public PlanOptions allowPartial() {
    return new PlanOptions(selection, order, batchSize, unavailable, concurrency, estimateRows, maxRows, maxDuration,
        environment, lateness, true);
  }

  /**
   * Returns the row budget.
   *
   * @return budget, if set
   */
  public Optional<Long> rowBudget() {
    return Optional.ofNullable(maxRows);
  }

  /**
   * Returns the duration budget.
   *
   * @return budget, if set
   */
  public Optional<Duration> durationBudget() {
    return Optional.ofNullable(maxDuration);
  }
}
