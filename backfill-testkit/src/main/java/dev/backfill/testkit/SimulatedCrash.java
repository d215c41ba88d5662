package dev.backfill.testkit;

/**
 * Thrown where a {@link Crash} killed the simulated process, and by every later call into the crashed
 * nodes. It is an {@link Error} so that no retry policy retries it: a killed process does not retry.
 */
public final class SimulatedCrash extends Error {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the error.
   *
   * @param message where the process died
   */
  public SimulatedCrash(String message) {
    super(message);
  }
}
