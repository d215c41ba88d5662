package dev.backfill.jdbc;

import dev.backfill.InMemoryStateStore;
import dev.backfill.spi.StateStore;

/** The run history over core's in-memory store, with the same tests as over the JDBC store. */
class InMemoryRunHistoryTest extends AbstractRunHistoryTest {
  @Override
  protected StateStore createStore() {
    return new InMemoryStateStore();
  }

  @Override
  protected void dropStore() {}
}
