package dev.backfill.testkit;

import dev.backfill.InMemoryStateStore;
import dev.backfill.spi.StateStore;

/** Core's in-memory store honours the state-store contract; leases expire by advancing its clock. */
class InMemoryStateStoreContractTest extends StateStoreContract {
  private final ManualClock clock = new ManualClock();

  @Override
  protected StateStore createStore() {
    return new InMemoryStateStore(clock);
  }

  @Override
  protected void letLeasesExpire() {
    clock.advance(shortLease().plusSeconds(1));
  }

}
