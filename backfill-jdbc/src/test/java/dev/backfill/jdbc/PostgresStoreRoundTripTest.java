package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.jdbc.internal.StoreClaims;
import dev.backfill.jdbc.internal.StoreTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/** PostgreSQL: claims, renewals and a slice's lease-checked update are one statement each. */
class PostgresStoreRoundTripTest extends AbstractStoreRoundTripTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }

  @Override
  int claimOfFourCalls() {
    return 1; // one UPDATE ... RETURNING in auto-commit
  }

  @Override
  int renewalCalls() {
    return 1;
  }

  @Override
  int joinedEndStatements() {
    return 1; // one statement: the slice's update (lease and target checked) feeding its attempt and partitions
  }

  @Override
  boolean unstartedEndCommitsAlone() {
    return true; // one statement: data-modifying WITH
  }

  /**
   * A claim touches the slices it takes, not the run: on a fresh 3,000-slice run (no statistics on
   * the slices table yet) PostgreSQL planned the claim's update, joined to its candidates by key, as a
   * walk over every slice of the run, so every claim read the whole run.
   */
  @Test
  void aClaimOnAFreshRunReadsTheSlicesItTakesNotTheWholeRun() throws Exception {
    String id = newRun(3_000);
    Dialect dialect = Dialect.detect(db.dataSource());
    String sql = new StoreClaims(dialect, new StoreTables(dialect, null, "rt_"), null, false, false).claimReturningSql(4, true);
    JsonNode plan;
    int claimed = 0;
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement stats = c.prepareStatement("SELECT COUNT(*) FROM pg_stats WHERE tablename = 'rt_slices'");
        PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)) {
      try (ResultSet rs = stats.executeQuery()) {
        rs.next();
        assertThat(rs.getInt(1)).as("the slices table has no statistics yet").isZero();
      }
      ps.setString(1, id);
      ps.setString(2, id);
      ps.setInt(3, 0); // PENDING slices from the start
      ps.setString(4, "w");
      ps.setLong(5, 60_000);
      ps.setString(6, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        plan = new ObjectMapper().readTree(rs.getString(1)).get(0).get("Plan");
      }
      claimed = plan.get("Actual Rows").asInt();
    }
    assertThat(claimed).as("slices claimed").isEqualTo(4);
    assertThat(rowsScanned(plan)).as("rows of the slices table the claim of 4 of 3,000 slices read; plan: %s", plan)
        .isLessThan(100);
  }

  /** The most rows any scan of a table in the plan read (rows times loops). */
  private static long rowsScanned(JsonNode node) {
    long most = node.has("Relation Name") && node.get("Node Type").asText().contains("Scan")
        ? node.get("Actual Rows").asLong() * node.get("Actual Loops").asLong() : 0;
    for (JsonNode child : node.path("Plans")) {
      most = Math.max(most, rowsScanned(child));
    }
    return most;
  }
}
