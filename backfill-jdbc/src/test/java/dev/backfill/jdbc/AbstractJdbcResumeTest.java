package dev.backfill.jdbc;

import dev.backfill.Row;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.StateStore;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;

/**
 * Resumes on one engine: the {@link JdbcStateStore} and the {@link JdbcDestination} share the test
 * namespace's pool, as users wire them (exactly-once). Subclasses name the engine.
 */
abstract class AbstractJdbcResumeTest extends AbstractResumeTest {
  private TestDatabase db;

  abstract TestDatabase.Engine engine();

  @Override
  StateStore newStore() {
    db = TestDatabase.open(engine());
    db.exec("CREATE TABLE visits (" + db.q("day") + " DATE NOT NULL, id INT NOT NULL, user_agent_family VARCHAR(40))");
    return JdbcStateStore.create(db.dataSource());
  }

  @Override
  DestinationNode<Row> visits() {
    return JdbcDestination.table(db.dataSource(), "visits");
  }

  @Override
  List<String> visitRows() {
    return db.rows("SELECT " + db.q("day") + ", id, user_agent_family FROM visits").stream()
        .map(r -> r.asMap().values().stream().map(String::valueOf).collect(Collectors.joining("|"))).sorted().toList();
  }

  @AfterEach
  void dropDatabase() {
    if (db != null) {
      db.close();
    }
  }
}
