package dev.backfill.jdbc.reliability;

import dev.backfill.jdbc.JdbcStateStore;
import dev.backfill.jdbc.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A fresh namespace on one engine with a {@link JdbcStateStore} in it, opened and dropped per test. */
abstract class EngineFixture {
  TestDatabase db;
  JdbcStateStore store;

  /** The engine the subclass runs on. */
  abstract TestDatabase.Engine engine();

  @BeforeEach
  void open() {
    db = TestDatabase.open(engine());
    store = JdbcStateStore.create(db.dataSource());
  }

  @AfterEach
  void close() {
    db.close();
  }
}
