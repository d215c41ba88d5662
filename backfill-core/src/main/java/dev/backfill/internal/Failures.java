package dev.backfill.internal;

import com.google.common.base.Throwables;
import dev.backfill.spi.FailureClassifier;
import dev.backfill.spi.FailureClassifier.Kind;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Decides whether a failure is transient: the classifiers registered by adapters (see
 * {@link FailureClassifier}) first, then the JDBC standard. Core knows no engine.
 */
public final class Failures {
  /** SQL state classes that no retry can fix: cardinality, data, constraint, syntax/access, check option. */
  private static final Set<String> PERMANENT_CLASSES = Set.of("21", "22", "23", "42", "44");

  private static final Failures REGISTERED = new Failures(load());

  private final List<FailureClassifier> classifiers;

  /**
   * Creates a decision over some classifiers (tests; the executor uses {@link #registered()}).
   *
   * @param classifiers engine classifiers, asked before the standard rules
   */
  public Failures(List<FailureClassifier> classifiers) {
    this.classifiers = List.copyOf(classifiers);
  }

  /**
   * Returns the decision over every classifier registered through {@link ServiceLoader}.
   *
   * @return the shared instance
   */
  public static Failures registered() {
    return REGISTERED;
  }

  /**
   * Tells whether a failure is transient, by the registered classifiers and the JDBC standard.
   *
   * @param failure the failure
   * @return true when some exception in its cause chain is transient
   */
  public static boolean isTransient(Throwable failure) {
    return REGISTERED.retryable(failure);
  }

  private static List<FailureClassifier> load() {
    List<FailureClassifier> found = new ArrayList<>();
    ServiceLoader.load(FailureClassifier.class, Failures.class.getClassLoader()).forEach(found::add);
    return found;
  }

  /**
   * Tells whether a failure is worth retrying: the first exception of its cause chain that anyone
   * classifies decides.
   *
   * @param failure the failure
   * @return true for transient failures and lost conflicts
   */
  public boolean retryable(Throwable failure) {
    for (Throwable t : causes(failure)) {
      Kind kind = classify(t);
      if (kind != Kind.UNKNOWN) {
        return FailureClassifier.retryable(kind);
      }
    }
    return false;
  }

  /**
   * Classifies one exception: the registered classifiers (a PERMANENT answer wins), then the standard.
   *
   * @param t one exception
   * @return its kind
   */
  public Kind classify(Throwable t) {
    Kind engine = Kind.UNKNOWN;
    for (FailureClassifier c : classifiers) {
      Kind k = c.classify(t);
      if (k == Kind.PERMANENT) {
        return k;
      }
      if (k != Kind.UNKNOWN && engine == Kind.UNKNOWN) {
        engine = k;
      }
    }
    return engine != Kind.UNKNOWN ? engine : standard(t);
  }

  private static Kind standard(Throwable t) {
    if (t instanceof SQLException sql) {
      String state = sql.getSQLState();
      if (state != null && state.length() == 5) {
        String cls = state.substring(0, 2);
        if (PERMANENT_CLASSES.contains(cls)) {
          // The state is more precise than the exception class some drivers choose.
          return Kind.PERMANENT;
        }
        if (cls.equals("40")) {
          return Kind.CONFLICT;
        }
        if (cls.equals("08")) {
          return Kind.TRANSIENT;
        }
      }
    }
    if (t instanceof dev.backfill.spi.RetryAfter) {
      return Kind.TRANSIENT;
    }
    if (t instanceof SQLTransientException || t instanceof SQLRecoverableException || t instanceof TimeoutException
        || t instanceof IOException || t instanceof SliceTimeoutException) {
      return Kind.TRANSIENT;
    }
    return Kind.UNKNOWN;
  }

  /**
   * What to tell about a failure that waited in vain for a pooled connection (a pool's timeout: a
   * {@link java.sql.SQLTransientConnectionException} without SQL state, as HikariCP throws): most likely
   * the pool is too small for the run; empty for any other failure.
   *
   * @param failure the failure
   * @param concurrency the run's concurrency
   * @return a hint starting with "; ", or ""
   */
  static String poolHint(Throwable failure, int concurrency) {
    boolean poolTimeout = causes(failure).stream().anyMatch(t -> t instanceof java.sql.SQLTransientConnectionException sql
        && sql.getSQLState() == null);
    return poolTimeout ? "; no pooled connection was free in time: at concurrency " + concurrency + " the pool needs about "
        + (2 * concurrency + 2) + " connections (a transaction and a streaming read per slice, the store's, the lock's)"
        : "";
  }

  /**
   * The longest wait a failure's cause chain asks for through {@link dev.backfill.spi.RetryAfter}.
   *
   * @param failure the failure
   * @return milliseconds, 0 when nothing asks
   */
  static long retryAfterMillis(Throwable failure) {
    long most = 0;
    for (Throwable t : causes(failure)) {
      if (t instanceof dev.backfill.spi.RetryAfter hint) {
        try {
          java.time.Duration d = hint.retryAfter();
          if (d != null && !d.isNegative()) {
            most = Math.max(most, d.toMillis());
          }
        } catch (RuntimeException e) {
          // a broken hint is no hint
        }
      }
    }
    return most;
  }

  /** The cause chain, bounded and safe against cycles. */
  static List<Throwable> causes(Throwable failure) {
    try {
      return Throwables.getCausalChain(failure);
    } catch (IllegalArgumentException loop) {
      List<Throwable> chain = new ArrayList<>();
      for (Throwable t = failure; t != null && chain.size() < 20 && !chain.contains(t); t = t.getCause()) {
        chain.add(t);
      }
      return chain;
    }
  }
}
