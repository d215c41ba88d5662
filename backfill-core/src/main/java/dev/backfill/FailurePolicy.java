package dev.backfill;

/**
 * What a run does when slices fail for good (after their retries or on a failing check).
 *
 * @param stopAfter number of failed slices after which no new slice starts; {@code Integer.MAX_VALUE}
 *     to continue to the end
 */
public record FailurePolicy(int stopAfter) {

  /**
   * Validates the policy.
   *
   * @param stopAfter failed slices tolerated before stopping
   */
  public FailurePolicy {
    if (stopAfter < 1) {
      throw new InvalidConfigurationException("stopAfter " + stopAfter + " is not allowed; expected 1 or more failed slices");
    }
  }

  /**
   * Runs every slice and reports the failures at the end.
   *
   * @return the policy
   */
  public static FailurePolicy continueAndReport() {
    return new FailurePolicy(Integer.MAX_VALUE);
  }

  /**
   * Stops starting new slices once {@code n} slices failed; running ones finish, the rest are
   * SKIPPED and can be resumed.
   *
   * @param n failed slices tolerated
   * @return the policy
   */
  public static FailurePolicy stopAfter(int n) {
    return new FailurePolicy(n);
  }
}
