package dev.backfill.internal;

import dev.backfill.Partitioning;
import dev.backfill.RunGuard;
import dev.backfill.TimeSource;
import dev.backfill.Slice;
import dev.backfill.SliceCheck;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.SourceNode;
import dev.backfill.spi.StateStore;
import java.time.Clock;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Everything the executor needs from a configured backfill, as one immutable value.
 *
 * @param target target name
 * @param partitioning partitioning
 * @param source source, or null for pushdown destinations
 * @param destination destination
 * @param strategy write strategy
 * @param checks slice checks
 * @param runChecks checks on the whole run's stats, before a full rebuild swaps
 * @param store state store
 * @param logicVersion logic version ("" when unset)
 * @param time clock, waits and timers of the run
 * @param tokens adds user tokens to a slice
 * @param guards hooks around each run started or resumed in this process
 * @param <T> record type
 */
public record Pipeline<T>(
    String target,
    Partitioning partitioning,
    @Nullable SourceNode<T> source,
    DestinationNode<? super T> destination,
    WriteStrategy strategy,
    List<SliceCheck> checks,
    List<SliceCheck> runChecks,
    StateStore store,
    String logicVersion,
    TimeSource time,
    UnaryOperator<Slice> tokens,
    List<RunGuard> guards) {

  /**
   * Returns the clock for timestamps.
   *
   * @return the time source's clock
   */
  public Clock clock() {
    return time.clock();
  }
}
