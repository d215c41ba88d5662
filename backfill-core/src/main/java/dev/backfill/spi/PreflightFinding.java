package dev.backfill.spi;

import static java.util.Objects.requireNonNull;

/**
 * One thing a destination's {@link DestinationNode#preflight} found: an {@link Severity#ERROR}
 * refuses the plan (and the run) before any slice, a {@link Severity#WARNING} is listed in the plan
 * ({@link dev.backfill.BackfillPlan#warnings()}).
 *
 * <pre>{@code
 * PreflightFinding.error("merge(customer_id) into mart.dim needs a unique key on (customer_id), but the table"
 *     + " has none; add one with ALTER TABLE mart.dim ADD UNIQUE (customer_id)");
 * }</pre>
 *
 * @param severity whether it refuses the plan
 * @param message what was found, naming the table, columns or values, and what to do
 */
public record PreflightFinding(Severity severity, String message) {

  /** How a finding weighs. */
  public enum Severity {
    /** The destination cannot honour the strategy: nothing is planned, written or run. */
    ERROR,
    /** Worth knowing before running; listed in the plan. */
    WARNING
  }

  /**
   * Validates the finding.
   *
   * @param severity severity
   * @param message message
   */
  public PreflightFinding {
    requireNonNull(severity, "severity");
    requireNonNull(message, "message");
  }

  /**
   * An error: the plan is refused with this message.
   *
   * @param message what is wrong and what to do
   * @return the finding
   */
  public static PreflightFinding error(String message) {
    return new PreflightFinding(Severity.ERROR, message);
  }

  /**
   * A warning: listed in the plan.
   *
   * @param message what to know
   * @return the finding
   */
  public static PreflightFinding warning(String message) {
    return new PreflightFinding(Severity.WARNING, message);
  }

  /**
   * Tells whether this finding refuses the plan.
   *
   * @return true for errors
   */
  public boolean isError() {
    return severity == Severity.ERROR;
  }
}
