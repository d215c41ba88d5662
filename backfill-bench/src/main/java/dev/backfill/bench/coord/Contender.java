package dev.backfill.bench.coord;

import javax.sql.DataSource;

/** One side of the coordination comparison: the same number of no-op tasks, worked by N JVMs × threads. */
interface Contender {
  /** Name in the table. */
  String name();

  /**
   * Creates this contender's tables in the bench schema and the work of one round (not timed).
   *
   * @param ds the bench schema's pool
   * @param round a name unique to the round
   * @param tasks no-op tasks to create
   * @throws Exception on failure
   */
  void prepare(DataSource ds, String round, int tasks) throws Exception;

  /**
   * Works the round's tasks in this JVM until none is left for it.
   *
   * @param ds the pool of this JVM
   * @param round the round's name
   * @param tasks tasks of the round
   * @param threads worker threads of this JVM
   * @param first whether this is the round's first JVM (ours: it creates the run)
   * @param worker this JVM's worker id
   * @param window records the tasks' times
   * @param awaitStop returns when the parent says the round is over (contenders without an end of their own)
   * @throws Exception on failure
   */
  void work(DataSource ds, String round, int tasks, int threads, boolean first, String worker, Window window,
      Runnable awaitStop) throws Exception;

  /**
   * Whether the round's tasks are all done, as its store says (the parent polls this).
   *
   * @param ds the bench schema's pool
   * @param round the round
   * @param tasks tasks of the round
   * @return true when none is left
   * @throws Exception on failure
   */
  boolean done(DataSource ds, String round, int tasks) throws Exception;
}
