package dev.backfill;

/**
 * Base type of every exception the library throws on purpose.
 *
 * <p>Messages name the offending value and the expected form, so that an operator reading a log line
 * can fix the input without opening the source code.
 */
public class BackfillException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong, naming the value and what was expected
   */
  public BackfillException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong, naming the value and what was expected
   * @param cause the underlying failure
   */
  public BackfillException(String message, Throwable cause) {
    super(message, cause);
  }
}
