package dev.backfill.testkit;

import dev.backfill.InMemoryStateStore;
import dev.backfill.spi.StateStore;

/**
 * Core's in-memory store honours the state-store contract; leases expire by advancing its clock.
 * Subclasses run the same contract through one of the kit's store wrappers, which must not change
 * what the store promises.
 */
class InMemoryStateStoreContractTest extends StateStoreContract {
  private final ManualClock clock = new ManualClock();

  @Override
  protected StateStore createStore() {
    return wrap(new InMemoryStateStore(clock));
  }

  /** The store the contract sees; this class tests the in-memory store itself. */
  StateStore wrap(StateStore store) {
    return store;
  }

  @Override
  protected void letLeasesExpire() {
    clock.advance(shortLease().plusSeconds(1));
  }
}
