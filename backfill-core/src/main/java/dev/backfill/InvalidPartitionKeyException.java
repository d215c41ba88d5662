package dev.backfill;

/**
 * A single partition key does not parse for its partitioning (impossible date, misaligned value, unknown static key, empty key or a key containing the multi-key separator).
 */
public class InvalidPartitionKeyException extends InvalidRangeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong, naming the value and what was expected
   */
  public InvalidPartitionKeyException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what went wrong, naming the value and what was expected
   * @param cause the underlying failure
   */
  public InvalidPartitionKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
