package dev.backfill.jdbc;

import dev.backfill.spi.StateStore;

/** {@link AbstractRunHistoryTest} on a {@link JdbcStateStore} in a fresh namespace; subclasses name the engine. */
abstract class AbstractJdbcRunHistoryTest extends AbstractRunHistoryTest {
  private TestDatabase db;

  abstract TestDatabase.Engine engine();

  @Override
  protected StateStore createStore() {
    db = TestDatabase.open(engine());
    return JdbcStateStore.create(db.dataSource());
  }

  @Override
  protected void dropStore() {
    db.close();
  }
}
