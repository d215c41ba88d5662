package dev.backfill;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.OptionalLong;

/**
 * A caller's confirmation of the cost estimate of one plan, as {@link BackfillPlan#confirm()} showed
 * it. Executing a plan whose estimate exceeds its budget needs one ({@link ExecutionOptions.Builder#confirm});
 * a confirmation is refused when it is stale: made for another plan (another target, environment,
 * range, options or logic version), or for an estimate that has since grown (more partitions or
 * slices, more rows, a longer duration, or a figure that became unknown).
 *
 * <pre>{@code
 * BackfillPlan plan = backfill.plan(range, PlanOptions.defaults().maxRows(10_000_000));
 * System.out.println(plan.describe());                  // budget EXCEEDED: estimated rows 14,200,000 ...
 * CostConfirmation ok = plan.confirm();                 // "I saw this estimate and accept it"
 * backfill.execute(plan, ExecutionOptions.builder().confirm(ok).build());
 * }</pre>
 *
 * <p>Only plans make confirmations; they are immutable values.
 */
public final class CostConfirmation {
  private final String plan;
  private final String identity;
  private final CostEstimate confirmed;

  private CostConfirmation(String plan, String identity, CostEstimate confirmed) {
    this.plan = plan;
    this.identity = identity;
    this.confirmed = confirmed;
  }

  static CostConfirmation of(BackfillPlan plan) {
    return new CostConfirmation(name(plan), identity(plan), plan.cost());
  }

  /**
   * Returns the estimate that was confirmed.
   *
   * @return the estimate
   */
  public CostEstimate estimate() {
    return confirmed;
  }

  /**
   * Returns a one-line description: the plan and the confirmed estimate.
   *
   * @return description
   */
  public String describe() {
    return "confirmation of " + plan + ": " + confirmed.describe();
  }

  @Override
  public String toString() {
    return describe();
  }

  /**
   * Refuses this confirmation for a plan unless it was made for the same plan and the plan's estimate
   * has not grown since.
   *
   * @throws BudgetExceededException naming what differs and what to do
   */
  void check(BackfillPlan other) {
    if (!identity.equals(identity(other))) {
      throw new BudgetExceededException("the cost confirmation is stale: it was made for " + plan + ", not for "
          + name(other) + "; confirm this plan's estimate with plan.confirm() after reading plan.describe()");
    }
    CostEstimate now = other.cost();
    String grown = grown("partitions", confirmed.partitions(), now.partitions());
    grown = grown != null ? grown : grown("slices", confirmed.slices(), now.slices());
    grown = grown != null ? grown : grown("rows", confirmed.rows(), now.rows());
    grown = grown != null ? grown : grown("duration", confirmed.duration().map(Duration::toMillis).orElse(null),
        now.duration().map(Duration::toMillis).orElse(null));
    if (grown != null) {
      throw new BudgetExceededException("the cost confirmation is stale: the estimate of " + name(other)
          + " has grown since it was confirmed (" + grown + "); read plan.describe() and confirm again with plan.confirm()");
    }
  }

  private static String grown(String what, long before, long after) {
    return after > before ? what + " " + before + " -> " + after : null;
  }

  private static String grown(String what, OptionalLong before, OptionalLong after) {
    if (before.isPresent() && after.isEmpty()) {
      return what + " " + before.getAsLong() + " -> unknown";
    }
    return before.isPresent() ? grown(what, before.getAsLong(), after.getAsLong()) : null;
  }

  private static String grown(String what, Long beforeMillis, Long afterMillis) {
    if (beforeMillis != null && afterMillis == null) {
      return what + " " + Duration.ofMillis(beforeMillis) + " -> unknown";
    }
    return beforeMillis != null && afterMillis > beforeMillis
        ? what + " " + Duration.ofMillis(beforeMillis) + " -> " + Duration.ofMillis(afterMillis) : null;
  }

  private static String name(BackfillPlan plan) {
    return "the plan of " + plan.target() + " over " + plan.range() + " in environment " + plan.options().environment();
  }

  /** What makes two plans the same plan: everything the planner was asked, not what it found. */
  private static String identity(BackfillPlan plan) {
    PlanOptions o = plan.options();
    String canonical = String.join("\n", plan.target(), PlanJson.partitioning(plan.partitioning()).toString(),
        plan.range().toString(), plan.logicVersion(), o.environment(),
        o.selection().stream().sorted().map(Enum::name).reduce("", (a, b) -> a + "," + b),
        o.order().name(), String.valueOf(o.batchSize()), o.unavailable().name(), String.valueOf(o.concurrency()),
        String.valueOf(o.estimateRows()), String.valueOf(o.maxRows()), String.valueOf(o.maxDuration()),
        o.lateness().toString(), String.valueOf(o.partialAllowed()));
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
