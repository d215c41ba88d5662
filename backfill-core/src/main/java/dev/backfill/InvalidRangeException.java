package dev.backfill;

/**
 * A partition range or partition key is invalid: start after end, a bound misaligned with the partitioning, an impossible date, an unknown zone or static key, an empty key.
 */
public class InvalidRangeException extends BackfillException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong, naming the value and what was expected
   */
  public InvalidRangeException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what went wrong, naming the value and what was expected
   * @param cause the underlying failure
   */
  public InvalidRangeException(String message, Throwable cause) {
    super(message, cause);
  }
}
