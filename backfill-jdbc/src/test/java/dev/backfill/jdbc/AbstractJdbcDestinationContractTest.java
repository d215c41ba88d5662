package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Guarantee;
import dev.backfill.Row;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.StateStore;
import dev.backfill.testkit.tck.DestinationContract;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kit's destination contract for {@link JdbcDestination} on one engine: each test writes a table
 * of its own in a namespace of its own, and its runs record their statuses in a
 * {@link JdbcStateStore} on the same {@code DataSource}, so data and status commit together
 * (exactly-once, the setup the JDBC adapter recommends). Subclasses only name the engine.
 */
abstract class AbstractJdbcDestinationContractTest extends DestinationContract {
  private TestDatabase db;
  private JdbcStateStore store;

  abstract TestDatabase.Engine engine();

  @Override
  protected DestinationNode<Row> createDestination() {
    return table("");
  }

  /** PostgreSQL's ON CONFLICT and MariaDB's ON DUPLICATE KEY need the merge key declared unique. */
  @Override
  protected DestinationNode<Row> createKeyedDestination() {
    return table(" PRIMARY KEY");
  }

  private DestinationNode<Row> table(String idConstraint) {
    db = TestDatabase.open(engine());
    db.exec("CREATE TABLE contract (" + db.q("day") + " DATE NOT NULL, id BIGINT NOT NULL" + idConstraint
        + ", note VARCHAR(100))");
    return JdbcDestination.table(db.dataSource(), "contract");
  }

  @Override
  protected StateStore createStateStore() {
    store = JdbcStateStore.create(db.dataSource());
    return store;
  }

  /** Reads through a connection of its own, so rows of an uncommitted slice would not show. */
  @Override
  protected List<Row> readRows() {
    return db.rows("SELECT " + db.q("day") + ", id, note FROM contract");
  }

  @Override
  protected void dropDestination() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void theContractsRunsCommitDataAndStatusTogether() {
    assertThat(store.guaranteeWith(destination())).isEqualTo(Guarantee.EXACTLY_ONCE);
  }
}
