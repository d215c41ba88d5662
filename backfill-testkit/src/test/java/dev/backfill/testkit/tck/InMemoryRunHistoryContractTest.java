package dev.backfill.testkit.tck;

import dev.backfill.InMemoryStateStore;
import dev.backfill.spi.StateStore;
import dev.backfill.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;

/**
 * Core's in-memory store honours the operator-view contract; its time passes by advancing its clock.
 * Subclasses run the same contract through deliberately broken wrappers, which it must catch.
 */
public class InMemoryRunHistoryContractTest extends RunHistoryContract {
  private final ManualClock clock = new ManualClock();

  @Override
  protected StateStore createStore() {
    return wrap(new InMemoryStateStore(clock));
  }

  /**
   * Returns the store the contract sees; this class tests the in-memory store itself.
   *
   * @param store the in-memory store
   * @return the store under test
   */
  protected StateStore wrap(StateStore store) {
    return store;
  }

  @Override
  protected void letStoreTimePass(Instant instant) {
    Duration gap = Duration.between(clock.instant(), instant);
    clock.advance(gap.isNegative() ? Duration.ofMillis(1) : gap.plusMillis(1));
  }
}
