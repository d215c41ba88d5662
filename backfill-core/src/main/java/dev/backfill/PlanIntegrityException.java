package dev.backfill;

/**
 * A serialised plan does not match its checksum or does not decode to a valid plan (for example after hand editing).
 */
public class PlanIntegrityException extends BackfillException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong, naming the value and what was expected
   */
  public PlanIntegrityException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what went wrong, naming the value and what was expected
   * @param cause the underlying failure
   */
  public PlanIntegrityException(String message, Throwable cause) {
    super(message, cause);
  }
}
