package dev.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.backfill.spi.SliceRecord;
import dev.backfill.spi.SourceNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Graphs of targets: build-time errors, the combined plan, roll-ups that wait for all their days,
 * failures that skip their dependants naming the upstream, independent branches under one cap.
 */
class BackfillGraphTest {
  static final PartitionRange JAN_FEB = PartitionRange.of("2024-01-01", "2024-02-29");

  final ManualTestClock clock = new ManualTestClock(Instant.parse("2024-06-01T00:00:00Z"));
  final InMemoryStateStore store = new InMemoryStateStore(clock);
  final TestDestination facts = new TestDestination();
  final TestDestination monthly = new TestDestination();

  Backfill<Row> daily(String target, SourceNode<Row> source, TestDestination dest) {
    return Backfill.builder(target).partitioning(Partitioning.daily(ZoneOffset.UTC)).source(source).destination(dest)
        .strategy(WriteStrategy.overwritePartition("day")).stateStore(store).clock(clock).sleeper(Fixtures.NO_WAIT)
        .build();
  }

  /** A monthly roll-up that counts the days of its month it finds committed in the facts. */
  Backfill<Row> monthlyDays() {
    return Backfill.builder("monthly").partitioning(Partitioning.monthly(ZoneOffset.UTC)).<Row>source((slice, ctx, sink) -> {
      LocalDate month = (LocalDate) slice.tokens().get("start_date");
      long days = facts.rows().stream().map(r -> (LocalDate) r.get("day"))
          .filter(d -> d.getYear() == month.getYear() && d.getMonth() == month.getMonth()).distinct().count();
      sink.accept(Row.of("month", month, "days", days));
    }).destination(monthly).strategy(WriteStrategy.overwritePartition("month")).stateStore(store).clock(clock)
        .sleeper(Fixtures.NO_WAIT).build();
  }

  @Test
  void aMonthlyRollUpStartsOnlyOnceAllItsDaysHaveCommitted() {
    BackfillGraph graph = BackfillGraph.builder().add(monthlyDays()).add(daily("facts", new TestSource(2), facts))
        .dependsOn("monthly", "facts", PartitionMapping.rollUp()).build();
    assertThat(graph.targets()).containsExactly("facts", "monthly");

    GraphPlan plan = graph.plan(JAN_FEB);
    assertThat(plan.plan("monthly").slices()).extracting(PlannedSlice::key).containsExactly("2024-01", "2024-02");
    assertThat(plan.describe()).contains("Graph plan of 2 targets: facts -> monthly",
        "edge         dependsOn(monthly, facts, rollUp())", "Backfill plan for facts", "Backfill plan for monthly");
    GraphReport report = graph.execute(plan, ExecutionOptions.builder().maxConcurrency(4).build()).await();

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(monthly.rows()).extracting(r -> r.get("month"), r -> r.get("days"))
        .containsExactlyInAnyOrder(tuple(LocalDate.of(2024, 1, 1), 31L), tuple(LocalDate.of(2024, 2, 1), 29L));
    assertThat(report.run("facts").runId()).isEqualTo(report.graphRunId() + ".0");
  }

  @Test
  void aFailedUpstreamSliceSkipsItsDependantsAndNamesIt() {
    SourceNode<Row> failing = new TestSource(1, (slice, ctx) -> {
      if (slice.key().equals("2024-01-05")) {
        throw new IllegalStateException("bad events on 2024-01-05");
      }
    });
    TestDestination dims = new TestDestination();
    BackfillGraph graph = BackfillGraph.builder().add(daily("facts", failing, facts)).add(daily("dims", new TestSource(1), dims))
        .add(monthlyDays())
        .dependsOn("dims", "facts", PartitionMapping.identity())
        .dependsOn("monthly", "dims", PartitionMapping.rollUp()).build();

    GraphReport report = graph.execute(graph.plan(JAN_FEB), ExecutionOptions.builder().maxConcurrency(3).build()).await();

    assertThat(report.succeeded()).isFalse();
    assertThat(report.run("facts").status()).isEqualTo(RunStatus.FAILED);
    assertThat(store.slices(report.run("dims").runId())).filteredOn(s -> s.key().equals("2024-01-05")).singleElement()
        .satisfies(s -> {
          assertThat(s.status()).isEqualTo(SliceStatus.SKIPPED);
          assertThat(s.error()).isEqualTo("not started: upstream facts 2024-01-05 FAILED");
        });
    assertThat(store.slices(report.run("monthly").runId())).extracting(SliceRecord::key, SliceRecord::status, SliceRecord::error)
        .containsExactly(
            tuple("2024-01", SliceStatus.SKIPPED, "not started: upstream dims 2024-01-05 SKIPPED (upstream facts 2024-01-05 FAILED)"),
            tuple("2024-02", SliceStatus.SUCCEEDED, null));
    assertThat(Fixtures.days(dims.rows())).hasSize(59).doesNotContain("2024-01-05");
  }

  @Test
  void aNeededPartitionThatNeverSucceededAndIsNotPlannedIsWarnedAboutAndSkipped() {
    BackfillGraph graph = BackfillGraph.builder().add(daily("facts", new TestSource(1), facts))
        .add(daily("today", new TestSource(1), new TestDestination()))
        .dependsOn("today", "facts", PartitionMapping.offset(-1)).build();

    GraphPlan plan = graph.plan(PartitionRange.of("2024-01-01", "2024-01-03"));
    assertThat(plan.warnings()).containsExactly("today 2024-01-01 needs facts 2023-12-31, which has not succeeded and is"
        + " not planned: it will be SKIPPED");
    GraphReport report = graph.execute(plan).await();

    assertThat(store.slices(report.run("today").runId())).extracting(SliceRecord::key, SliceRecord::status)
        .containsExactly(tuple("2024-01-01", SliceStatus.SKIPPED), tuple("2024-01-02", SliceStatus.SUCCEEDED),
            tuple("2024-01-03", SliceStatus.SUCCEEDED));
    assertThat(store.slices(report.run("today").runId()).get(0).error())
        .isEqualTo("not started: upstream facts 2023-12-31 has not succeeded and is not part of this run");

    // Once yesterday has succeeded (in another run), it is no longer needed in the plan.
    Backfill<Row> factsAlone = daily("facts", new TestSource(1), facts);
    factsAlone.execute(factsAlone.plan(PartitionRange.single("2023-12-31"))).await();
    assertThat(graph.plan(PartitionRange.of("2024-01-01", "2024-01-03")).warnings()).isEmpty();
  }

  @Test
  void independentBranchesRunSideBySideWithinOneCap() {
    CountDownLatch bothStarted = new CountDownLatch(2);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    SourceNode<Row> meeting = new TestSource(1, (slice, ctx) -> {
      most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      try {
        if (slice.key().equals("2024-01-01")) {
          bothStarted.countDown();
          // Each branch's first day waits for the other's: only concurrent branches get past it.
          if (!bothStarted.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the other branch never started");
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        inFlight.decrementAndGet();
      }
    });
    BackfillGraph graph = BackfillGraph.builder().add(daily("a", meeting, new TestDestination()))
        .add(daily("b", meeting, new TestDestination())).add(daily("c", new TestSource(1), new TestDestination()))
        .dependsOn("c", "a", PartitionMapping.identity()).build();

    GraphReport report = graph.execute(graph.plan(PartitionRange.of("2024-01-01", "2024-01-10")),
        ExecutionOptions.builder().maxConcurrency(2).build()).await();

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(most.get()).as("one cap for all targets").isLessThanOrEqualTo(2);
  }

  @Test
  void cyclesUnknownTargetsAndForeignPlansAreRefusedNamingThem() {
    Backfill<Row> a = daily("a", new TestSource(1), new TestDestination());
    Backfill<Row> b = daily("b", new TestSource(1), new TestDestination());
    Backfill<Row> c = daily("c", new TestSource(1), new TestDestination());

    assertThatThrownBy(() -> BackfillGraph.builder().add(a).add(b).add(c).dependsOn("b", "a", PartitionMapping.identity())
        .dependsOn("c", "b", PartitionMapping.identity()).dependsOn("a", "c", PartitionMapping.identity()).build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("the graph has a cycle: a needs c needs b needs a; a target cannot wait for itself, remove one of"
            + " these edges");
    assertThatThrownBy(() -> BackfillGraph.builder().add(a).dependsOn("a", "a", PartitionMapping.offset(-1)).build())
        .isInstanceOf(InvalidConfigurationException.class).hasMessageStartingWith("the graph has a cycle: a needs a");
    assertThatThrownBy(() -> BackfillGraph.builder().add(a).dependsOn("a", "facts", PartitionMapping.identity()).build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("edge dependsOn(a, facts, identity()) names unknown target facts; the graph's targets are [a]"
            + " (add(...) it first)");
    BackfillGraph ab = BackfillGraph.builder().add(a).add(b).build();
    GraphPlan other = BackfillGraph.builder().add(a).build().plan(PartitionRange.single("2024-01-01"));
    assertThatThrownBy(() -> ab.execute(other)).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("the plan is of targets [a], not of this graph's [a, b]");
    assertThatThrownBy(() -> ab.plan(PartitionRange.of("eu", "us"))).isInstanceOf(InvalidRangeException.class)
        .hasMessageContaining("is not a range of any target");
    assertThat(store.runs("a")).as("nothing ran").isEmpty();
  }

  @Test
  void aResumedGraphRunRunsOnlyWhatDidNotCommitInDependencyOrder() {
    AtomicInteger failures = new AtomicInteger(1);
    SourceNode<Row> flaky = new TestSource(1, (slice, ctx) -> {
      if (slice.key().equals("2024-01-03") && failures.getAndDecrement() > 0) {
        throw new IllegalStateException("upstream not loaded yet");
      }
    });
    TestDestination dims = new TestDestination();
    BackfillGraph graph = BackfillGraph.builder().add(daily("facts", flaky, facts)).add(daily("dims", new TestSource(1), dims))
        .dependsOn("dims", "facts", PartitionMapping.identity()).build();
    GraphReport first = graph.execute(graph.plan(PartitionRange.of("2024-01-01", "2024-01-05"))).await();
    assertThat(first.succeeded()).isFalse();
    assertThat(Fixtures.days(dims.rows())).doesNotContain("2024-01-03");

    GraphReport resumed = graph.resume(first.graphRunId()).await();

    assertThat(resumed.succeeded()).as(resumed.summary()).isTrue();
    assertThat(Fixtures.days(dims.rows())).containsExactlyInAnyOrder("2024-01-01", "2024-01-02", "2024-01-03",
        "2024-01-04", "2024-01-05");
    assertThat(store.attempts(resumed.run("facts").runId())).filteredOn(a -> a.key().equals("2024-01-01")).hasSize(1);
  }

  @Test
  void aGraphOfMoreSlicesThanOnePageReadsTheirStatusesPageByPage() {
    java.util.concurrent.atomic.AtomicInteger wholeReads = new java.util.concurrent.atomic.AtomicInteger();
    dev.backfill.spi.StateStore paging = (dev.backfill.spi.StateStore) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {dev.backfill.spi.StateStore.class}, (proxy, method, args) -> {
          if ((method.getName().equals("slices") || method.getName().equals("attempts")) && args.length == 1) {
            wholeReads.incrementAndGet();
          }
          try {
            return method.invoke(store, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    int hours = 104 * 24;   // 2,496 hourly slices: two and a half pages of StoredSlices.PAGE
    TestDestination hourly = new TestDestination();
    Backfill<Row> facts = Backfill.builder("facts").partitioning(Partitioning.hourly(ZoneOffset.UTC))
        .<Row>source((slice, ctx, sink) -> sink.accept(Row.of("hour", slice.key()))).destination(hourly)
        .strategy(WriteStrategy.append()).stateStore(paging).clock(clock).sleeper(Fixtures.NO_WAIT).build();
    Backfill<Row> days = Backfill.builder("days").partitioning(Partitioning.daily(ZoneOffset.UTC))
        .<Row>source((slice, ctx, sink) -> sink.accept(Row.of("day", slice.key()))).destination(new TestDestination())
        .strategy(WriteStrategy.append()).stateStore(paging).clock(clock).sleeper(Fixtures.NO_WAIT).build();
    BackfillGraph graph = BackfillGraph.builder().add(facts).add(days)
        .dependsOn("days", "facts", PartitionMapping.rollUp()).build();

    GraphPlan plan = graph.plan(PartitionRange.of("2024-01-01", "2024-04-13"));
    GraphReport report = graph.execute(plan, ExecutionOptions.builder().maxConcurrency(4).build()).await();

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(plan.plan("facts").sliceCount()).isEqualTo(hours);
    assertThat(hourly.rows()).hasSize(hours);
    assertThat(store.countSlices(report.run("days").runId())).containsExactly(java.util.Map.entry(SliceStatus.SUCCEEDED, 104));
    assertThat(wholeReads).as("reads of every slice or attempt of a run at once").hasValue(0);
  }
}
