package dev.backfill;

/**
 * A run id passed to {@code resume} or a history query is not known to the state store, or belongs to another target.
 */
public class UnknownRunException extends BackfillException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong, naming the value and what was expected
   */
  public UnknownRunException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what went wrong, naming the value and what was expected
   * @param cause the underlying failure
   */
  public UnknownRunException(String message, Throwable cause) {
    super(message, cause);
  }
}
