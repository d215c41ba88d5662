package dev.backfill.spi;

import dev.backfill.BackfillException;

/**
 * A worker tried to change a slice whose lease it no longer holds: the lease expired and another
 * worker claimed the slice (its fencing token moved on). The worker must abort its attempt; its
 * writes are rolled back and the other worker's result stands.
 */
public class LeaseLostException extends BackfillException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which slice, which token was presented and which is current
   */
  public LeaseLostException(String message) {
    super(message);
  }
}
