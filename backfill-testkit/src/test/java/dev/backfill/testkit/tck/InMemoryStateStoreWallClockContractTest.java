package dev.backfill.testkit.tck;

import dev.backfill.InMemoryStateStore;
import dev.backfill.spi.StateStore;
import java.time.Duration;

/** The state-store contract with its default, wall-time lease expiry, which database stores rely on. */
class InMemoryStateStoreWallClockContractTest extends StateStoreContract {
  @Override
  protected StateStore createStore() {
    return new InMemoryStateStore();
  }

  @Override
  protected Duration shortLease() {
    return Duration.ofMillis(200);
  }
}
