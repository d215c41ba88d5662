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
 *
 * <p>Logging: every log line written while a run works, by the library or by your source,
 * destination and checks on the run's threads, carries these SLF4J MDC keys, so a log back end can
 * filter or route a run's lines: {@value #MDC_RUN} (run id), {@value #MDC_TARGET} (target name) and,
 * while a slice is processed, {@value #MDC_PARTITION} (the slice key). They are a stable contract.
 */
public interface BackfillRun {
  /** MDC key holding the run id on every log line of a run. */
  String MDC_RUN = "backfill.run";
  /** MDC key holding the target name on every log line of a run. */
  String MDC_TARGET = "backfill.target";
  /** MDC key holding the slice key (a partition key, or {@code first..last} for a batch) while a slice is processed. */
  String MDC_PARTITION = "backfill.partition";

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
