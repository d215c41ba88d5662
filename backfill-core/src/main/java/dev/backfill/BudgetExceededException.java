package dev.backfill;

/**
 * A plan's cost estimate exceeds its budget and execution was not explicitly confirmed.
 */
public class BudgetExceededException extends BackfillException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong, naming the value and what was expected
   */
  public BudgetExceededException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what went wrong, naming the value and what was expected
   * @param cause the underlying failure
   */
  public BudgetExceededException(String message, Throwable cause) {
    super(message, cause);
  }
}
