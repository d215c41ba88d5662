package dev.backfill;

/**
 * Hooks around a run, for a host to pause what competes with the backfill and resume it afterwards
 * (schedules, CDC consumers, downstream jobs). {@link #beforeRun} runs before the run's first slice in
 * the process that starts or resumes it; {@link #afterRun} always runs once the run ended there —
 * succeeded, failed, cancelled, or refused by another guard — for every guard whose {@code beforeRun}
 * returned, in reverse order.
 *
 * <pre>{@code
 * Backfill.builder("mart.daily_revenue")
 *     .guard(new RunGuard() {
 *       public void beforeRun(GuardedRun run) { scheduler.pause("daily_revenue_incremental"); }
 *       public void afterRun(GuardedRun run, RunStatus status) { scheduler.resume("daily_revenue_incremental"); }
 *     })
 *     ...
 * }</pre>
 */
public interface RunGuard {

  /**
   * Called before the run starts; throwing refuses the run (it ends FAILED with the message, nothing written).
   *
   * @param run the run
   * @throws Exception to refuse the run
   */
  void beforeRun(GuardedRun run) throws Exception;

  /**
   * Called after the run ended in this process. An exception is logged and the other guards still run.
   *
   * @param run the run
   * @param status how it ended (the run's status in the store)
   */
  void afterRun(GuardedRun run, RunStatus status);

  /**
   * The run a guard is called for.
   *
   * @param runId run id
   * @param target target name
   * @param resumed true when the run is being resumed
   */
  record GuardedRun(String runId, String target, boolean resumed) {}
}
