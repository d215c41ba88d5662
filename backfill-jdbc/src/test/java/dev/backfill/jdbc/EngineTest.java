package dev.backfill.jdbc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A fresh namespace on one engine with a {@link JdbcStateStore} in it, opened before and dropped after
 * each test; the abstract tests of one concern extend it and their subclasses name the engine.
 */
abstract class EngineTest {
  TestDatabase db;
  JdbcStateStore store;

  /** The engine the subclass runs on. */
  abstract TestDatabase.Engine engine();

  @BeforeEach
  void openEngine() {
    db = TestDatabase.open(engine());
    store = JdbcStateStore.create(db.dataSource());
  }

  @AfterEach
  void closeEngine() {
    db.close();
  }
}
