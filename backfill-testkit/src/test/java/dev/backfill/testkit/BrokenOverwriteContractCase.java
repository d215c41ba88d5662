package dev.backfill.testkit;

import dev.backfill.Row;
import dev.backfill.spi.DestinationNode;
import java.util.List;

/**
 * The contract against {@link BrokenDestinations.OverwriteWithoutDelete}. Its name keeps Surefire
 * from running it directly: it is meant to fail, and {@link DestinationContractCanFailTest} runs it
 * through the JUnit Platform launcher to check that it does.
 */
class BrokenOverwriteContractCase extends DestinationContract {
  private final BrokenDestinations.OverwriteWithoutDelete destination = new BrokenDestinations.OverwriteWithoutDelete();

  @Override
  protected DestinationNode<Row> createDestination() {
    return destination;
  }

  @Override
  protected List<Row> readRows() {
    return destination.table.rows();
  }
}
