package dev.backfill;

import static java.util.Objects.requireNonNull;

import dev.backfill.internal.Failures;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * How failed slice attempts are retried: how many attempts, how long to back off, and which failures
 * are transient. Built on Resilience4j's {@code Retry}; a slice that fails its checks is never
 * retried (the same data would fail again).
 *
 * <p>By default a failure is transient when some exception in its cause chain is: what the
 * registered {@link dev.backfill.spi.FailureClassifier}s say first (backfill-jdbc registers one per
 * engine: PostgreSQL's {@code 57014} statement timeout, {@code 57P01}-{@code 57P03} session ended,
 * {@code 53300} too many connections and {@code 55P03} lock not available; MariaDB/MySQL's deadlock and
 * lock-wait errors 1213 and 1205; H2's lock timeout {@code HYT00}), then the JDBC standard: SQL states of
 * class {@code 40} (serialization failure {@code 40001}, deadlock {@code 40P01}) and {@code 08}
 * (connection errors), {@code SQLTransientException}, {@code SQLRecoverableException}, timeouts and
 * I/O errors. Data, constraint, syntax and access states (classes 21, 22, 23, 42, 44) are never
 * transient, whatever exception class a driver chose.
 *
 * <pre>{@code
 * RetryPolicy.exponential(5, Duration.ofSeconds(1))     // 1s, 2s, 4s, 8s with ±50% jitter
 *     .maxBackoff(Duration.ofSeconds(30))
 *     .alsoRetryOn(e -> e instanceof RateLimitedByApiException);
 * }</pre>
 *
 * @param maxAttempts attempts including the first, 1 or more
 * @param initialBackoff wait before the second attempt
 * @param multiplier growth of the wait per attempt
 * @param jitter randomisation factor in [0, 1): each wait varies by up to ± this share
 * @param maxBackoff longest wait
 * @param transientFailure which failures are retried
 */
public record RetryPolicy(
    int maxAttempts, Duration initialBackoff, double multiplier, double jitter, Duration maxBackoff,
    Predicate<Throwable> transientFailure) {

  /**
   * Validates the policy.
   *
   * @param maxAttempts attempts
   * @param initialBackoff first wait
   * @param multiplier growth
   * @param jitter randomisation
   * @param maxBackoff longest wait
   * @param transientFailure retried failures
   */
  /** The default notion of a transient failure: registered classifiers, then the JDBC standard. */
  private static final Predicate<Throwable> DEFAULT_TRANSIENT = Failures::isTransient;
  /** Nothing is transient. */
  private static final Predicate<Throwable> NEVER = e -> false;

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new InvalidConfigurationException("maxAttempts " + maxAttempts + " is not allowed; expected 1 or more");
    }
    requireNonNull(initialBackoff, "initialBackoff");
    requireNonNull(maxBackoff, "maxBackoff");
    requireNonNull(transientFailure, "transientFailure");
    if (initialBackoff.isNegative() || maxBackoff.isNegative()) {
      throw new InvalidConfigurationException("backoff must not be negative, got " + initialBackoff + " and " + maxBackoff);
    }
    if (multiplier < 1) {
      throw new InvalidConfigurationException("backoff multiplier " + multiplier + " is not allowed; expected 1 or more");
    }
    if (!(jitter >= 0 && jitter < 1)) {
      throw new InvalidConfigurationException("jitter " + jitter + " is not allowed; expected a factor in [0, 1)");
    }
  }

  /**
   * Exponential backoff doubling from {@code initialBackoff}, with ±50 % jitter, capped at 5 minutes,
   * retrying the default transient failures.
   *
   * @param maxAttempts attempts including the first
   * @param initialBackoff wait before the second attempt
   * @return the policy
   */
  public static RetryPolicy exponential(int maxAttempts, Duration initialBackoff) {
    return new RetryPolicy(maxAttempts, initialBackoff, 2.0, 0.5, Duration.ofMinutes(5), DEFAULT_TRANSIENT);
  }

  /**
   * No retries: every failure is final.
   *
   * @return the policy
   */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, 1, 0, Duration.ZERO, NEVER);
  }

  /**
   * Returns the default policy: 3 attempts, backoff from 1 second.
   *
   * @return the policy
   */
  public static RetryPolicy defaults() {
    return exponential(3, Duration.ofSeconds(1));
  }

  /**
   * Caps the wait between attempts.
   *
   * @param max longest wait
   * @return the changed policy
   */
  public RetryPolicy maxBackoff(Duration max) {
    return new RetryPolicy(maxAttempts, initialBackoff, multiplier, jitter, max, transientFailure);
  }

  /**
   * Sets the growth of the wait per attempt.
   *
   * @param factor 1 or more
   * @return the changed policy
   */
  public RetryPolicy multiplier(double factor) {
    return new RetryPolicy(maxAttempts, initialBackoff, factor, jitter, maxBackoff, transientFailure);
  }

  /**
   * Sets the randomisation of each wait.
   *
   * @param factor in [0, 1); 0 for exact waits
   * @return the changed policy
   */
  public RetryPolicy jitter(double factor) {
    return new RetryPolicy(maxAttempts, initialBackoff, multiplier, factor, maxBackoff, transientFailure);
  }

  /**
   * Retries exactly the failures matching a predicate (replacing the defaults).
   *
   * @param predicate true for retried failures
   * @return the changed policy
   */
  public RetryPolicy retryOn(Predicate<Throwable> predicate) {
    return new RetryPolicy(maxAttempts, initialBackoff, multiplier, jitter, maxBackoff, predicate);
  }

  /**
   * Also retries failures matching a predicate, besides the current ones.
   *
   * @param predicate true for additionally retried failures
   * @return the changed policy
   */
  public RetryPolicy alsoRetryOn(Predicate<Throwable> predicate) {
    return retryOn(transientFailure.or(predicate));
  }

  /**
   * Returns the Resilience4j configuration of this policy.
   *
   * @return retry configuration
   */
  public RetryConfig toRetryConfig() {
    IntervalFunction interval = initialBackoff.isZero() ? IntervalFunction.of(1)
        : jitter == 0 ? IntervalFunction.ofExponentialBackoff(initialBackoff, multiplier, maxBackoff)
        : IntervalFunction.ofExponentialRandomBackoff(initialBackoff, multiplier, jitter, maxBackoff);
    return RetryConfig.custom()
        .maxAttempts(maxAttempts)
        .intervalFunction(interval)
        .retryOnException(transientFailure)
        .failAfterMaxAttempts(false)
        .build();
  }

  /**
   * Tells whether the transient failures are the library's defaults (what {@link #exponential}
   * uses), which a run can store and restore; a custom predicate cannot be stored.
   *
   * @return true for the default predicate
   */
  public boolean retriesDefaultFailures() {
    return transientFailure == DEFAULT_TRANSIENT;
  }

  /**
   * Tells whether no failure is retried by predicate ({@link #none()}).
   *
   * @return true for the never-retry predicate
   */
  public boolean retriesNothing() {
    return transientFailure == NEVER;
  }

  /**
   * Returns this policy with the same attempts and backoff, retrying the default transient failures.
   *
   * @return the policy with the default predicate
   */
  public RetryPolicy withDefaultFailures() {
    return retryOn(DEFAULT_TRANSIENT);
  }

  /**
   * Returns this policy with the same attempts and backoff, retrying nothing by predicate.
   *
   * @return the policy with the never predicate
   */
  public RetryPolicy withoutRetriedFailures() {
    return retryOn(NEVER);
  }

  /**
   * Describes the policy for logs and reports.
   *
   * @return e.g. {@code 5 attempts, backoff 1s x2.0 ±50% up to 5m, default transient failures}
   */
  public String describe() {
    return maxAttempts + " attempt(s), backoff " + initialBackoff + " x" + multiplier + " \u00b1"
        + Math.round(jitter * 100) + "% up to " + maxBackoff + ", "
        + (retriesDefaultFailures() ? "default transient failures" : retriesNothing() ? "no failure retried"
            : "custom transient failures");
  }
}
