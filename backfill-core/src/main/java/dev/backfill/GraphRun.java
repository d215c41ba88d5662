package dev.backfill;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * A running graph run ({@link BackfillGraph#execute}): one run per target, worked by one pool of
 * threads within one concurrency cap, each downstream slice starting once the upstream partitions it
 * maps to have succeeded.
 *
 * <pre>{@code
 * GraphRun run = graph.execute(graph.plan(range), ExecutionOptions.builder().maxConcurrency(4).build());
 * GraphReport report = run.await();
 * if (!report.succeeded()) {
 *   graph.resume(report.graphRunId());         // only what did not commit, in every target
 * }
 * }</pre>
 */
public interface GraphRun {

  /**
   * Returns the id of the graph run; each target's run is {@code <graphRunId>.<n>}, n its position in
   * the graph's order.
   *
   * @return graph run id
   */
  String graphRunId();

  /**
   * Returns the run of each target, upstream targets first.
   *
   * @return runs by target
   */
  Map<String, BackfillRun> runs();

  /**
   * Cancels every target's run.
   *
   * @param mode GRACEFUL lets running slices finish, IMMEDIATE aborts them
   */
  void cancel(CancelMode mode);

  /**
   * Tells whether every target's run has finished in this process.
   *
   * @return true when done
   */
  boolean isDone();

  /**
   * Waits for the end of the graph run.
   *
   * @return the report of every target's run
   */
  GraphReport await();

  /**
   * Waits at most a timeout for the end of the graph run.
   *
   * @param timeout how long to wait
   * @return the report
   * @throws TimeoutException when it has not ended in time
   */
  GraphReport await(Duration timeout) throws TimeoutException;
}
