package dev.backfill;

/**
 * A builder or option was given a value outside its allowed range (negative concurrency, batch size 0, an unsafe identifier, a missing required part).
 */
public class InvalidConfigurationException extends BackfillException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong, naming the value and what was expected
   */
  public InvalidConfigurationException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what went wrong, naming the value and what was expected
   * @param cause the underlying failure
   */
  public InvalidConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
