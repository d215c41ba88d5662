package dev.backfill;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of one {@link SliceCheck} on one slice, with the measured figure and the bound in its
 * message, for example {@code rows 0 < minRows 1}.
 *
 * @param check name of the check, e.g. {@code minRows(1)}
 * @param passed whether the slice satisfies it
 * @param severity {@link Severity#ERROR} aborts the slice when failed; {@link Severity#WARN} only records
 * @param message measured figure and bound
 */
public record CheckResult(String check, boolean passed, Severity severity, String message) {

  /** How a failed check affects its slice. */
  public enum Severity {
    /** A failure aborts the slice: nothing of it is committed and it ends {@code FAILED_CHECK}. */
    ERROR,
    /** A failure is recorded and reported; the slice still commits. */
    WARN
  }

  /**
   * Creates a result.
   *
   * @param check name of the check
   * @param passed whether it passed
   * @param severity severity of the check
   * @param message measured figure and bound
   */
  public CheckResult {
    requireNonNull(check, "check");
    requireNonNull(severity, "severity");
    requireNonNull(message, "message");
  }

  /**
   * Tells whether this result aborts the slice.
   *
   * @return true for a failed error-severity check
   */
  public boolean blocksCommit() {
    return !passed && severity == Severity.ERROR;
  }

  @Override
  public String toString() {
    return (passed ? "passed " : severity == Severity.WARN ? "warning " : "failed ") + check + ": " + message;
  }
}
