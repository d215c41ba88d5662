package dev.backfill.testkit;

import dev.backfill.spi.StateStore;
import dev.backfill.testkit.tck.InMemoryStateStoreContractTest;
import org.junit.jupiter.api.Nested;

/**
 * The kit's state-store wrappers, with no fault armed, keep every promise of the store they wrap:
 * each forwards the whole SPI, including the methods added after it was written.
 */
class StoreWrapperContractTest {

  @Nested
  class FaultyWithoutFaults extends InMemoryStateStoreContractTest {
    @Override
    protected StateStore wrap(StateStore store) {
      return Faults.stateStore(store);
    }
  }

  @Nested
  class CrashBeforeTheCrash extends InMemoryStateStoreContractTest {
    @Override
    protected StateStore wrap(StateStore store) {
      return Crash.at(CrashPoint.AFTER_WRITE_BEFORE_COMMIT).stateStore(store);
    }
  }

  @Nested
  class DriverGateWhenOpen extends InMemoryStateStoreContractTest {
    @Override
    protected StateStore wrap(StateStore store) {
      return new ClaimGate.Gated(store, new ClaimGate());
    }
  }
}
