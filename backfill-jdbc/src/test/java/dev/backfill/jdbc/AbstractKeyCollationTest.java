package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.Backfill;
import dev.backfill.InvalidConfigurationException;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.PlanOptions;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.Selection;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.PartitionState;
import dev.backfill.spi.SourceNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Static keys that differ only in case or accents ({@code acme}/{@code ACME},
 * {@code zurich}/{@code zürich}) are four partitions on one engine: four states in the JDBC state
 * store whatever the server's default collation, an append that does not grow when planned again,
 * and an overwrite of one key that leaves the others; a destination column that would compare two
 * keys as equal is refused before any slice. Subclasses name the engine and its text types.
 */
abstract class AbstractKeyCollationTest extends EngineTest {
  static final List<String> KEYS = List.of("acme", "ACME", "zurich", "zürich");
  static final Partitioning TENANTS = Partitioning.keys(KEYS).named("tenant");
  static final PartitionRange ALL = PartitionRange.of("acme", "zürich");

  /** A text column type that compares byte by byte. */
  abstract String exactTextType();

  /** A text column type under which {@code acme} equals {@code ACME} (created by the test if needed). */
  abstract String caseInsensitiveTextType();

  @Test
  void fourKeysThatDifferOnlyInCaseOrAccentsAreFourPartitionStatesAndAnAppendDoesNotGrowWhenPlannedAgain() {
    db.exec("CREATE TABLE events (tenant " + exactTextType() + " NOT NULL, n INT NOT NULL)");
    Backfill<Row> backfill = backfill(WriteStrategy.append());

    RunReport first = backfill.execute(backfill.plan(ALL)).await();
    assertThat(first.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(partitionStates()).containsExactlyInAnyOrderElementsOf(KEYS);
    assertThat(backfill.plan(ALL).isEmpty()).as("nothing is left to do after every key succeeded").isTrue();
    backfill.execute(backfill.plan(ALL)).await();

    assertThat(countsByTenant()).containsExactlyInAnyOrder("ACME|10", "acme|10", "zurich|10", "zürich|10");
  }

  @Test
  void overwriteOfOneKeyLeavesTheRowsOfKeysThatDifferOnlyInCase() {
    db.exec("CREATE TABLE events (tenant " + exactTextType() + " NOT NULL, n INT NOT NULL)");
    Backfill<Row> backfill = backfill(WriteStrategy.overwritePartition("tenant"));
    assertThat(backfill.execute(backfill.plan(ALL)).await().status()).isEqualTo(RunStatus.SUCCEEDED);

    RunReport again = backfill.execute(backfill.plan(PartitionRange.of("acme", "acme"),
        PlanOptions.defaults().select(Selection.RESTATE))).await();

    assertThat(again.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(countsByTenant()).containsExactlyInAnyOrder("ACME|10", "acme|10", "zurich|10", "zürich|10");
  }

  @Test
  void overwriteIntoAColumnUnderWhichTwoKeysAreEqualIsRefusedBeforeAnySlice() {
    db.exec("CREATE TABLE events (tenant " + caseInsensitiveTextType() + " NOT NULL, n INT NOT NULL)");
    Backfill<Row> backfill = backfill(WriteStrategy.overwritePartition("tenant"));

    assertThatThrownBy(() -> backfill.plan(ALL))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContainingAll("'acme' and 'ACME'", "of dimension tenant are equal under", "column tenant of events",
            "overwritePartition(tenant)");
    assertThat(store.runs("events")).isEmpty();
    assertThat(db.count("SELECT count(*) FROM events")).isZero();
  }

  Backfill<Row> backfill(WriteStrategy strategy) {
    SourceNode<Row> tenRowsPerTenant = (slice, ctx, sink) -> {
      for (int n = 1; n <= 10; n++) {
        sink.accept(Row.of("tenant", slice.tokens().get("tenant"), "n", n));
      }
    };
    return Backfill.builder("events").partitioning(TENANTS).source(tenRowsPerTenant)
        .destination(JdbcDestination.table(db.dataSource(), "events")).strategy(strategy).stateStore(store).build();
  }

  List<String> partitionStates() {
    List<String> keys = new ArrayList<>();
    store.forEachPartitionState("events", (PartitionState s) -> keys.add(s.key()));
    return keys;
  }

  List<String> countsByTenant() {
    return db.lines("SELECT tenant, count(*) FROM events GROUP BY tenant");
  }
}
