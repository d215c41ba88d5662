package dev.backfill.testkit;

import dev.backfill.Row;
import dev.backfill.spi.DestinationNode;
import dev.backfill.testkit.tck.DestinationContract;
import java.util.List;

/** The in-memory fake honours the same contract as every real destination. */
class InMemoryDestinationContractTest extends DestinationContract {
  private final InMemoryDestination destination = InMemoryDestination.create();

  @Override
  protected DestinationNode<Row> createDestination() {
    return destination;
  }

  @Override
  protected List<Row> readRows() {
    return destination.rows();
  }
}
