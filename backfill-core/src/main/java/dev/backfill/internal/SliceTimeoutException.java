package dev.backfill.internal;

import dev.backfill.BackfillException;

/** An attempt ran past its per-slice timeout and was aborted; it is retried like other transient failures. */
public final class SliceTimeoutException extends BackfillException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which slice and which timeout
   */
  public SliceTimeoutException(String message) {
    super(message);
  }
}
