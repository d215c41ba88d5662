package dev.backfill.testkit.tck;

import dev.backfill.InMemoryStateStore;
import dev.backfill.spi.StateStore;
import dev.backfill.testkit.ManualClock;

/**
 * Core's in-memory store honours the state-store contract; leases expire by advancing its clock.
 * Subclasses run the same contract through a store wrapper: the kit's own, which must not change
 * what the store promises (public for them, in {@code dev.backfill.testkit}), and deliberately broken
 * ones, which the contract must catch.
 */
public class InMemoryStateStoreContractTest extends StateStoreContract {
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
  protected void letLeasesExpire() {
    clock.advance(shortLease().plusSeconds(1));
  }
}
