package dev.backfill;

/** A destination's lock stayed held by another writer for the whole wait; nothing was written. */
public class DestinationLockedException extends BackfillException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which lock, how long was waited and what to do
   */
  public DestinationLockedException(String message) {
    super(message);
  }
}
