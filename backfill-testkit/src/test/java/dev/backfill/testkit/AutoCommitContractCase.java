package dev.backfill.testkit;

import dev.backfill.Row;
import dev.backfill.spi.DestinationNode;
import java.util.List;

/**
 * The contract against {@link BrokenDestinations.AutoCommit}; run by {@link DestinationContractCanFailTest},
 * never directly (it is meant to fail).
 */
class AutoCommitContractCase extends DestinationContract {
  private final BrokenDestinations.AutoCommit destination = new BrokenDestinations.AutoCommit();

  @Override
  protected DestinationNode<Row> createDestination() {
    return destination;
  }

  @Override
  protected List<Row> readRows() {
    return destination.table.rows();
  }
}
