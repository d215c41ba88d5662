package dev.backfill.spi;

/**
 * Knows what the failures of one engine or client library mean, so that core can decide whether a
 * slice attempt is worth retrying without knowing any engine. Core itself only knows the JDBC
 * standard: {@code SQLTransientException}, {@code SQLRecoverableException}, SQL states of class
 * {@code 08} (connection) and {@code 40} (transaction rollback), and the standard permanent classes
 * (data, constraint, syntax). Everything engine-specific (PostgreSQL's {@code 57P01} when a session is
 * terminated, MariaDB's lock-wait error 1205, ...) comes from classifiers.
 *
 * <p>Adapters register implementations with {@link java.util.ServiceLoader}: a file
 * {@code META-INF/services/dev.backfill.spi.FailureClassifier} naming the class (backfill-jdbc
 * registers one for H2, PostgreSQL and MariaDB/MySQL). For each exception of a failure's cause chain,
 * every registered classifier is asked; {@link Kind#PERMANENT} from any of them wins, then
 * {@link Kind#TRANSIENT} or {@link Kind#CONFLICT}; when all say {@link Kind#UNKNOWN} the standard rules
 * decide.
 *
 * <pre>{@code
 * public final class MyApiFailures implements FailureClassifier {
 *   public Kind classify(Throwable t) {
 *     return t instanceof MyApiException e && e.status() == 503 ? Kind.TRANSIENT : Kind.UNKNOWN;
 *   }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface FailureClassifier {

  /** What a failure means for a retry. */
  enum Kind {
    /** The resource was briefly unavailable (connection lost, server restarting, timeout): retry. */
    TRANSIENT,
    /** The transaction lost a conflict (deadlock, serialization failure, lock timeout) and was rolled back: retry. */
    CONFLICT,
    /** No retry can help (bad data, constraint, syntax, missing table). */
    PERMANENT,
    /** This classifier does not know the failure. */
    UNKNOWN
  }

  /**
   * Classifies one exception (not its causes; the caller walks the chain).
   *
   * @param failure an exception
   * @return what it means, or {@link Kind#UNKNOWN}
   */
  Kind classify(Throwable failure);

  /**
   * Tells whether a kind is worth retrying.
   *
   * @param kind a classification
   * @return true for {@link Kind#TRANSIENT} and {@link Kind#CONFLICT}
   */
  static boolean retryable(Kind kind) {
    return kind == Kind.TRANSIENT || kind == Kind.CONFLICT;
  }
}
