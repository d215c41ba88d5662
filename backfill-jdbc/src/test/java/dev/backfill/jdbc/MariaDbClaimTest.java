package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.backfill.BackfillException;
import dev.backfill.Guarantee;
import dev.backfill.RunStatus;
import dev.backfill.SliceStatus;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceRecord;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On MariaDB a claim is one compound statement that begins and commits its own transaction while the
 * connection stays in auto-commit: what it hands out matches what it stored, a failure inside it
 * leaves no slice taken, no lock held and no transaction open on the pooled connection, and a pool
 * that hands out connections with auto-commit off still gets a committed claim.
 */
class MariaDbClaimTest {
  static final Instant T0 = Instant.parse("2024-06-01T10:00:00Z");

  TestDatabase db;

  @BeforeEach
  void open() {
    db = TestDatabase.open(TestDatabase.Engine.MARIADB);
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static String newRun(JdbcStateStore store, int slices) {
    String id = "r-" + UUID.randomUUID();
    List<SliceRecord> pending = new ArrayList<>();
    for (int i = 0; i < slices; i++) {
      pending.add(SliceRecord.pending(id, i, "2024-01-0" + (i + 1), List.of("2024-01-0" + (i + 1))));
    }
    store.createRun(new RunRecord(id, "orders", RunStatus.RUNNING, "v1", Guarantee.EXACTLY_ONCE, "{}", slices, T0,
        null, ""), pending);
    return id;
  }

  @Test
  void handsOutTheLeasesItStoredExpiredOnesFirst() throws Exception {
    JdbcStateStore store = JdbcStateStore.builder(db.dataSource()).tablePrefix("cl_").build();
    String id = newRun(store, 5);
    List<SliceLease> first = store.claim(id, "w1", Duration.ofSeconds(1), 2);
    assertThat(first).extracting(SliceLease::index).containsExactly(0, 1);
    Thread.sleep(1_500); // the database's clock measures leases; theirs ends a second after the claim

    List<SliceLease> second = store.claim(id, "w2", Duration.ofMinutes(5), 4);

    assertThat(second).extracting(SliceLease::index).as("the expired leases first, then PENDING slices")
        .containsExactly(0, 1, 2, 3);
    assertThat(second).extracting(SliceLease::attempt).containsExactly(2, 2, 1, 1);
    assertThat(second.get(0).version()).isEqualTo(first.get(0).version() + 1);
    for (SliceLease lease : second) {
      assertThat(lease.workerId()).isEqualTo("w2");
      assertThat(lease.leaseUntil()).as("slice %d's lease end as stored", lease.index())
          .isEqualTo(storedLeaseEnd(id, lease.index()));
    }
    assertThat(store.slices(id)).extracting(SliceRecord::status).containsExactly(SliceStatus.RUNNING,
        SliceStatus.RUNNING, SliceStatus.RUNNING, SliceStatus.RUNNING, SliceStatus.PENDING);
  }

  @Test
  void aClaimThatFailsInsideItsStatementTakesNothingAndLeavesNoTransactionOpen() throws Exception {
    HikariDataSource one = db.newPool(1, 5_000);
    JdbcStateStore store = JdbcStateStore.builder(one).tablePrefix("cl_").build();
    String id = newRun(store, 4);
    db.exec("CREATE TRIGGER cl_refuse BEFORE UPDATE ON cl_slices FOR EACH ROW"
        + " BEGIN IF NEW.worker = 'refused' AND NEW.slice_index = 2 THEN"
        + " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'claim refused by a trigger'; END IF; END");

    assertThatThrownBy(() -> store.claim(id, "refused", Duration.ofMinutes(5), 4))
        .isInstanceOf(BackfillException.class).hasMessageContaining("claim refused by a trigger");

    try (Connection c = one.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT @@in_transaction, @@autocommit")) {
      rs.next();
      assertThat(rs.getInt(1)).as("the pool's only connection is in no transaction").isZero();
      assertThat(rs.getInt(2)).as("and still in auto-commit").isEqualTo(1);
    }
    assertThat(store.slices(id)).as("slices 0 and 1 were updated before the trigger fired: rolled back")
        .allSatisfy(s -> {
          assertThat(s.status()).isEqualTo(SliceStatus.PENDING);
          assertThat(s.attempt()).isZero();
        });
    // another pool, so it cannot see the failed claim's connection: no lock was left behind
    JdbcStateStore other = JdbcStateStore.builder(db.newPool(null)).tablePrefix("cl_").build();
    assertThat(other.claim(id, "w", Duration.ofMinutes(5), 4)).extracting(SliceLease::index)
        .containsExactly(0, 1, 2, 3);
  }

  @Test
  void aPoolWithAutoCommitOffGetsACommittedClaim() throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.jdbcUrl());
    config.setUsername(db.user());
    config.setMaximumPoolSize(2);
    config.setAutoCommit(false);
    try (HikariDataSource manual = new HikariDataSource(config)) {
      JdbcStateStore store = JdbcStateStore.builder(manual).tablePrefix("cl_").build();
      String id = newRun(store, 3);

      assertThat(store.claim(id, "w", Duration.ofMinutes(5), 2)).extracting(SliceLease::index).containsExactly(0, 1);

      JdbcStateStore reader = JdbcStateStore.builder(db.dataSource()).tablePrefix("cl_").build();
      assertThat(reader.slices(id)).extracting(SliceRecord::status).containsExactly(SliceStatus.RUNNING,
          SliceStatus.RUNNING, SliceStatus.PENDING);
    }
  }

  private Instant storedLeaseEnd(String runId, int index) throws Exception {
    DataSource ds = db.dataSource();
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT lease_until FROM cl_slices WHERE run_id = '" + runId
            + "' AND slice_index = " + index)) {
      rs.next();
      return rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC);
    }
  }
}
