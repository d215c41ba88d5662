package dev.backfill.spi;

import dev.backfill.BackfillException;

/** Thrown inside a slice attempt that was cancelled, to unwind it; the slice is rolled back. */
public class SliceCancelledException extends BackfillException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which slice was cancelled and why
   */
  public SliceCancelledException(String message) {
    super(message);
  }
}
