package dev.backfill.internal;

/**
 * A checked exception of a writer (a batch write, a commit) carried through code that cannot throw
 * it, such as a source's read loop; the slice's failure handling unwraps it.
 */
final class CheckedFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CheckedFailure(Exception cause) {
    super(cause);
  }

  /** Returns the carried exception, or the failure itself when it is not a carrier. */
  static Throwable unwrap(Throwable failure) {
    return failure instanceof CheckedFailure && failure.getCause() != null ? failure.getCause() : failure;
  }
}
