package dev.backfill.testkit;

import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.SourceNode;
import dev.backfill.spi.StateStore;

/**
 * Fault injection: wraps any source, destination or state store (yours, the in-memory fakes, or the
 * JDBC adapters) so that chosen calls fail, slow down or wait at a {@link Hold}. Exceptions are the
 * real ones drivers throw (see {@link Failures}), so the executor's retry classification is exercised
 * as in production. To simulate a killed process, use {@link Crash}.
 *
 * <pre>{@code
 * Backfill<Row> backfill = driver.backfill("mart.daily_revenue")
 *     .partitioning(Partitioning.daily(ZoneOffset.UTC))
 *     .source(Faults.source(orders).failPartition("2024-03-02", 2, Failures::deadlock))
 *     .destination(Faults.destination(mart).failOnCall(FaultyDestination.Op.COMMIT, 3, Failures::connectionLost))
 *     .strategy(WriteStrategy.overwritePartition("day"))
 *     .build();
 * }</pre>
 */
public final class Faults {
  private Faults() {}

  /**
   * Wraps a source.
   *
   * @param source the source
   * @param <T> record type
   * @return a configurable faulty source
   */
  public static <T> FaultySource<T> source(SourceNode<T> source) {
    return new FaultySource<>(source);
  }

  /**
   * Wraps a destination.
   *
   * @param destination the destination
   * @param <T> record type
   * @return a configurable faulty destination
   */
  public static <T> FaultyDestination<T> destination(DestinationNode<T> destination) {
    return new FaultyDestination<>(destination);
  }

  /**
   * Wraps a state store.
   *
   * @param store the store
   * @return a configurable faulty store
   */
  public static FaultyStateStore stateStore(StateStore store) {
    return new FaultyStateStore(store);
  }
}
