package dev.backfill.bench.compare;

/**
 * One way of doing a comparison's work: our library, hand-written JDBC, Spring Batch. Each run
 * processes every day of the dataset as one slice, at most {@code concurrency} days at a time, in
 * the database's own pool, and must leave the destination equal to the source (the comparison
 * verifies it after every run).
 */
public interface Contender {

  /**
   * Short name for the table, such as {@code ours} or {@code spring-batch}.
   *
   * @return name
   */
  String name();

  /**
   * Whether this contender has an idiomatic way of doing the work on this engine.
   *
   * @param strategy the work
   * @param engine the database
   * @return true to measure it
   */
  boolean supports(Strategy strategy, Engine engine);

  /**
   * Performs the work once; the destination was reset just before.
   *
   * @param db the database, its pool and dataset
   * @param strategy the work
   * @param concurrency days in flight at once
   * @return rows written
   * @throws Exception on failure; the comparison reports it and goes on
   */
  long run(BenchDatabase db, Strategy strategy, int concurrency) throws Exception;

  /**
   * Drops whatever this contender keeps between runs (run history), untimed, before each run.
   *
   * @param db the database
   * @throws Exception on failure
   */
  default void reset(BenchDatabase db) throws Exception {}

  /**
   * Whether this contender's destination is partitioned by day for this work (ours, for
   * {@link Strategy#OVERWRITE_PARTITIONED}); the others write the plain table.
   *
   * @param strategy the work
   * @return true for a table with one partition per day
   */
  default boolean partitionedDestination(Strategy strategy) {
    return false;
  }
}
