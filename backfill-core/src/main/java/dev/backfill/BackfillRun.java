package dev.backfill;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A handle on a run in progress, returned by {@link Backfill#execute} and {@link Backfill#resume}.
 *
 * <pre>{@code
 * BackfillRun run = backfill.execute(plan, options);
 * System.out.println(run.progress().describe());
 * run.cancel(CancelMode.GRACEFUL);            // running slices finish, no new one starts
 * RunReport report = run.await();
 * }</pre>
 */
public interface BackfillRun {

  /**
   * Returns the run id, to resume with or look up in the history.
   *
   * @return run id
   */
  String runId();

  /**
   * Returns a snapshot of the progress.
   *
   * @return progress
   */
  Progress progress();

  /**
   * Cancels the run. Returns at once; {@link #await()} tells when it stopped.
   *
   * @param mode GRACEFUL or IMMEDIATE
   */
  void cancel(CancelMode mode);

  /**
   * Tells whether the run has ended.
   *
   * @return true once ended
   */
  boolean isDone();

  /**
   * Waits for the run to end.
   *
   * @return the final report
   * @throws BackfillException if the waiting thread is interrupted
   */
  RunReport await();

  /**
   * Waits at most a duration for the run to end.
   *
   * @param timeout longest wait
   * @return the final report
   * @throws TimeoutException if the run is still going after the timeout
   */
  RunReport await(Duration timeout) throws TimeoutException;
}
