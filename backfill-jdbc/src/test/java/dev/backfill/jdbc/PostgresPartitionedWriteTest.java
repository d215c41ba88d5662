package dev.backfill.jdbc;

import dev.backfill.Guarantee;
import java.time.LocalDate;
import java.util.List;

class PostgresPartitionedWriteTest extends AbstractPartitionedWriteTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }

  @Override
  void createPartitioned(String table, List<LocalDate> bounds) {
    db.exec("CREATE TABLE " + table + " (day DATE NOT NULL, customer_id INT NOT NULL, revenue BIGINT NOT NULL)"
        + " PARTITION BY RANGE (day)");
    for (int i = 0; i + 1 < bounds.size(); i++) {
      db.exec("CREATE TABLE " + table + "_" + bounds.get(i).toString().replace("-", "") + " PARTITION OF " + table
          + " FOR VALUES FROM ('" + bounds.get(i) + "') TO ('" + bounds.get(i + 1) + "')");
    }
  }

  @Override
  Guarantee replacingGuarantee() {
    return Guarantee.EXACTLY_ONCE;
  }

  @Override
  List<String> tables() {
    return db.lines("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + db.name() + "'");
  }
}
