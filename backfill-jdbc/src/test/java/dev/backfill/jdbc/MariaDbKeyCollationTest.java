package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Row;
import dev.backfill.WriteStrategy;
import org.junit.jupiter.api.Test;

class MariaDbKeyCollationTest extends AbstractKeyCollationTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }

  @Override
  String exactTextType() {
    return "VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
  }

  /** The server's default, utf8mb4_general_ci here, under which zurich also equals zürich. */
  @Override
  String caseInsensitiveTextType() {
    return "VARCHAR(20)";
  }

  /** Tables of schema version 2 took the server's collation; version 3 makes keys and ids exact. */
  @Test
  void aStateStoreCreatedWithTheServersCollationIsMigratedToExactKeys() {
    db.exec("ALTER TABLE backfill_partitions MODIFY target VARCHAR(255) NOT NULL,"
            + " MODIFY partition_key VARCHAR(255) NOT NULL",
        "ALTER TABLE backfill_runs MODIFY run_id VARCHAR(64) NOT NULL, MODIFY target VARCHAR(255) NOT NULL",
        "UPDATE backfill_schema_version SET version = 2");
    store = JdbcStateStore.create(db.dataSource());
    db.exec("CREATE TABLE events (tenant " + exactTextType() + " NOT NULL, n INT NOT NULL)");

    dev.backfill.Backfill<Row> backfill = backfill(WriteStrategy.append());
    backfill.execute(backfill.plan(ALL)).await();

    assertThat(db.count("SELECT version FROM backfill_schema_version")).isEqualTo(dev.backfill.jdbc.internal.StoreTables.LATEST);
    assertThat(db.lines("SELECT COLUMN_NAME, COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA ="
        + " DATABASE() AND TABLE_NAME = 'backfill_partitions' AND COLLATION_NAME IS NOT NULL AND COLUMN_NAME IN"
        + " ('target', 'partition_key', 'last_run_id')"))
        .containsExactlyInAnyOrder("target|utf8mb4_bin", "partition_key|utf8mb4_bin", "last_run_id|utf8mb4_bin");
    assertThat(partitionStates()).containsExactlyInAnyOrderElementsOf(KEYS);
  }
}
