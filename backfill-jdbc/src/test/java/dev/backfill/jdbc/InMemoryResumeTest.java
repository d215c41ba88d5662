package dev.backfill.jdbc;

import dev.backfill.InMemoryStateStore;
import dev.backfill.Row;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.StateStore;
import dev.backfill.testkit.InMemoryDestination;
import java.util.List;

/** Resumes over core's in-memory store and the test kit's in-memory destination. */
class InMemoryResumeTest extends AbstractResumeTest {
  private final InMemoryDestination destination = InMemoryDestination.create();

  @Override
  StateStore newStore() {
    return new InMemoryStateStore();
  }

  @Override
  DestinationNode<Row> visits() {
    return destination;
  }

  @Override
  List<String> visitRows() {
    return destination.rows().stream()
        .map(r -> r.get("day") + "|" + r.get("id") + "|" + r.get("user_agent_family")).sorted().toList();
  }
}
