package dev.backfill.testkit;

import static dev.backfill.testkit.BackfillAssertions.assertThatDestination;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.BackfillGraph;
import dev.backfill.ExecutionOptions;
import dev.backfill.GraphReport;
import dev.backfill.InMemoryStateStore;
import dev.backfill.PartitionMapping;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.Row;
import dev.backfill.RunStatus;
import dev.backfill.SliceStatus;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.SliceAttempt;
import dev.backfill.spi.StateStore;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * A graph run whose process dies mid-way (the test kit's {@link Crash}: after the facts of 2024-03-03
 * committed, before their status) is resumed by a "restarted process": only what did not commit runs
 * again, dependants after their upstream, and both tables end as a clean run leaves them.
 */
class GraphCrashTest {
  private final ManualClock clock = new ManualClock();
  private final VirtualSleeper time = new VirtualSleeper(clock);
  private final InMemoryStateStore store = new InMemoryStateStore(clock);
  private final InMemorySource<Row> events = Fixtures.march(2);
  private final InMemoryDestination facts = InMemoryDestination.create();
  private final InMemoryDestination dims = InMemoryDestination.create();

  private Backfill<Row> target(String name, DestinationNode<Row> destination, StateStore state) {
    return Backfill.builder(name).timeSource(time).stateStore(state).partitioning(Partitioning.daily(ZoneOffset.UTC))
        .source(events).destination(destination).strategy(WriteStrategy.overwritePartition("day")).build();
  }

  private BackfillGraph graph(DestinationNode<Row> factsNode, DestinationNode<Row> dimsNode, StateStore state) {
    return BackfillGraph.builder().add(target("facts", factsNode, state)).add(target("dims", dimsNode, state))
        .dependsOn("dims", "facts", PartitionMapping.identity()).build();
  }

  @Test
  void aGraphRunKilledMidWayIsResumedWithoutDuplicatesAndInDependencyOrder() {
    Crash crash = Crash.at(CrashPoint.AFTER_COMMIT_BEFORE_STATUS).onPartition("2024-03-03");
    BackfillGraph dying = graph(crash.destination(facts), crash.destination(dims), crash.stateStore(store));
    GraphReport atCrash = dying.execute(dying.plan(PartitionRange.of("2024-03-01", "2024-03-05"))).await();

    assertThat(crash.happened()).isTrue();
    assertThat(store.run(atCrash.graphRunId() + ".0").orElseThrow().status())
        .as("a killed process never finishes its runs").isEqualTo(RunStatus.RUNNING);
    assertThat(dims.countBy("day")).as("no dimension day after the crash, none before its facts")
        .doesNotContainKeys("2024-03-03", "2024-03-04", "2024-03-05");

    GraphReport resumed = graph(facts, dims, store).resume(atCrash.graphRunId()).await();

    assertThat(resumed.succeeded()).as(resumed.summary()).isTrue();
    assertThatDestination(facts).hasSize(10).hasUniqueKey("id");
    assertThatDestination(dims).hasSize(10).hasUniqueKey("id");
    assertThat(store.attempts(atCrash.graphRunId() + ".0")).filteredOn(a -> a.key().equals("2024-03-03"))
        .extracting(SliceAttempt::status).containsExactly(SliceStatus.SUCCEEDED);
    assertThat(store.slices(atCrash.graphRunId() + ".1")).allSatisfy(s -> assertThat(s.status()).isEqualTo(SliceStatus.SUCCEEDED));
  }
}
