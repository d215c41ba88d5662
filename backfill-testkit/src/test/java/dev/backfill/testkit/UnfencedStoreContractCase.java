package dev.backfill.testkit;

import dev.backfill.InMemoryStateStore;
import dev.backfill.spi.LeaseLostException;
import dev.backfill.spi.ResourceProvider;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceOutcome;
import dev.backfill.spi.StateStore;

/**
 * The state-store contract against a store that swallows stale fencing tokens instead of rejecting
 * them; run by {@link StateStoreContractCanFailTest}, never directly (it is meant to fail).
 */
class UnfencedStoreContractCase extends StateStoreContract {
  private final ManualClock clock = new ManualClock();

  @Override
  protected StateStore createStore() {
    return new ForwardingStateStore(new InMemoryStateStore(clock)) {
      @Override
      public void complete(SliceLease lease, SliceOutcome outcome, ResourceProvider transaction) {
        try {
          super.complete(lease, outcome, transaction);
        } catch (LeaseLostException e) {
          // the bug: a worker that lost its lease believes it committed
        }
      }
    };
  }

  @Override
  protected void letLeasesExpire() {
    clock.advance(shortLease().plusSeconds(1));
  }
}
