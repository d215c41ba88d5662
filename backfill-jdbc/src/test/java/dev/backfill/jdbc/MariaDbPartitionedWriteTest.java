package dev.backfill.jdbc;

import dev.backfill.Guarantee;
import java.time.LocalDate;
import java.util.List;
import java.util.StringJoiner;

class MariaDbPartitionedWriteTest extends AbstractPartitionedWriteTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }

  @Override
  void createPartitioned(String table, List<LocalDate> bounds) {
    StringJoiner parts = new StringJoiner(", ");
    parts.add("PARTITION p_before VALUES LESS THAN ('" + bounds.get(0) + "')");
    for (int i = 1; i < bounds.size(); i++) {
      parts.add("PARTITION p" + bounds.get(i - 1).toString().replace("-", "") + " VALUES LESS THAN ('" + bounds.get(i)
          + "')");
    }
    db.exec("CREATE TABLE " + table + " (day DATE NOT NULL, customer_id INT NOT NULL, revenue BIGINT NOT NULL)"
        + " PARTITION BY RANGE COLUMNS(day) (" + parts + ")");
  }

  @Override
  Guarantee replacingGuarantee() {
    return Guarantee.AT_LEAST_ONCE;
  }

  @Override
  List<String> tables() {
    return db.lines("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + db.name() + "'");
  }
}
