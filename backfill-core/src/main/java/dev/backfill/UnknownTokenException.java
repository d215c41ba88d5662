package dev.backfill;

/**
 * A template, query or check names a token that the partition does not define. The message lists the known tokens.
 */
public class UnknownTokenException extends BackfillException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong, naming the value and what was expected
   */
  public UnknownTokenException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what went wrong, naming the value and what was expected
   * @param cause the underlying failure
   */
  public UnknownTokenException(String message, Throwable cause) {
    super(message, cause);
  }
}
