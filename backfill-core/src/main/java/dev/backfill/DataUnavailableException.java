package dev.backfill;

/**
 * Upstream data for some planned partitions is gone (retention). The message names the first and last missing partition.
 */
public class DataUnavailableException extends BackfillException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong, naming the value and what was expected
   */
  public DataUnavailableException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what went wrong, naming the value and what was expected
   * @param cause the underlying failure
   */
  public DataUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
