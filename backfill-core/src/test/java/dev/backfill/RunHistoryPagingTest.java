package dev.backfill;

import static dev.backfill.Fixtures.daily;
import static dev.backfill.Fixtures.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backfill.spi.StateStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The history of a big run read page by page: {@link RunDetails#slices()} as a lazy read-only list
 * that reads slices and their attempts one page at a time, and reports that cap what they render.
 */
class RunHistoryPagingTest {
  final InMemoryStateStore memory = new InMemoryStateStore();
  final List<String> reads = new ArrayList<>();
  /** The in-memory store, recording every read of slices or attempts. */
  final StateStore store = (StateStore) Proxy.newProxyInstance(getClass().getClassLoader(),
      new Class<?>[] {StateStore.class}, (proxy, method, args) -> {
        if (method.getName().equals("slices") || method.getName().equals("attempts")) {
          synchronized (reads) {
            reads.add(method.getName() + (args.length == 1 ? " all" : " " + args[1] + "+" + args[2]));
          }
        }
        try {
          return method.invoke(memory, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      });

  /** Ten days; the 2nd, 5th and 9th fail transiently twice, once and twice before they commit. */
  RunReport runWithRetries() {
    Set<String> tried = ConcurrentHashMap.newKeySet();
    Backfill<Row> backfill = daily(source((slice, ctx) -> {
      int failures = switch (slice.key()) {
        case "2024-03-02", "2024-03-09" -> 2;
        case "2024-03-05" -> 1;
        default -> 0;
      };
      if (tried.add(slice.key() + "#" + ctx.attempt()) && ctx.attempt() <= failures) {
        throw new SQLTransientConnectionException("connection reset on " + slice.key(), "08006");
      }
    }), new TestDestination()).stateStore(store).build();
    RunReport report = backfill.execute(backfill.plan(PartitionRange.of("2024-03-01", "2024-03-10")),
        ExecutionOptions.builder().retry(RetryPolicy.exponential(3, Duration.ofMillis(1))).build()).await();
    assertThat(report.status()).as(report.summary()).isEqualTo(RunStatus.SUCCEEDED);
    return report;
  }

  @Test
  void aPagedRunShowsTheSameSlicesAndAttemptsAsOneReadAtOnce() {
    RunReport report = runWithRetries();
    RunHistory history = RunHistory.of(store);

    RunDetails whole = history.run(report.runId());
    RunDetails paged = history.run(report.runId(), 3, 0);

    assertThat(paged.slices()).isNotInstanceOf(whole.slices().getClass()).hasSize(10);
    assertThat(paged.slices()).containsExactlyElementsOf(whole.slices());
    assertThat(paged.slices()).extracting(SliceHistory::index).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    assertThat(paged.slices()).extracting(SliceHistory::key, s -> s.attempts().size(), SliceHistory::retries)
        .contains(org.assertj.core.groups.Tuple.tuple("2024-03-01", 1, 0),
            org.assertj.core.groups.Tuple.tuple("2024-03-02", 3, 2),
            org.assertj.core.groups.Tuple.tuple("2024-03-05", 2, 1),
            org.assertj.core.groups.Tuple.tuple("2024-03-09", 3, 2));
    SliceHistory ninth = paged.slices().get(8);
    assertThat(ninth.attempts()).extracting(SliceHistory.Attempt::number, SliceHistory.Attempt::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, SliceStatus.FAILED),
            org.assertj.core.groups.Tuple.tuple(2, SliceStatus.FAILED),
            org.assertj.core.groups.Tuple.tuple(3, SliceStatus.SUCCEEDED));
    assertThat(ninth.attempts().get(0).error()).contains("connection reset on 2024-03-09");
    assertThat(paged.retries()).isEqualTo(5).isEqualTo(whole.retries());
    assertThat(paged.rows()).isEqualTo(20);
    assertThat(paged.progress().succeeded()).isEqualTo(10);
    assertThat(paged.progress().retries()).isEqualTo(5);
    assertThat(paged.slice("2024-03-10")).map(SliceHistory::index).hasValue(9);
    assertThat(paged.toString()).as("names the slices' number, lists none").contains("slices=10, readAt=")
        .doesNotContain("2024-03-09");
  }

  @Test
  void aPagedRunIsReadOnlyBoundedAndReadsOnlyThePagesLookedAt() {
    RunReport report = runWithRetries();
    reads.clear();

    List<SliceHistory> slices = RunHistory.of(store).run(report.runId(), 3, 0).slices();

    assertThat(reads).as("nothing is read before a caller looks").isEmpty();
    assertThat(slices.get(9).key()).isEqualTo("2024-03-10");
    assertThat(slices.get(0).key()).isEqualTo("2024-03-01");
    assertThat(slices.get(9).key()).isEqualTo("2024-03-10");
    assertThat(slices.get(1).key()).isEqualTo("2024-03-02");
    assertThat(reads).as("two pages kept: going back and forth reads neither again")
        .containsExactly("slices 9+3", "attempts 9+3", "slices 0+3", "attempts 0+3");
    assertThatThrownBy(() -> slices.get(10)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("10");
    assertThatThrownBy(() -> slices.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> slices.add(slices.get(0))).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> slices.set(0, slices.get(1))).isInstanceOf(UnsupportedOperationException.class);

    reads.clear();
    List<Integer> walked = new ArrayList<>();
    slices.forEach(s -> walked.add(s.index()));
    assertThat(walked).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    assertThat(reads).as("a walk reads each page once, never the whole run").containsExactly(
        "slices 3+3", "attempts 3+3", "slices 6+3", "attempts 6+3", "slices 9+3", "attempts 9+3");
  }

  @Test
  void theReportsOfABigRunShowTheFirstTheFailedAndTheSlowestAndSayHowManyMore() throws Exception {
    AtomicInteger failing = new AtomicInteger();
    Backfill<Row> backfill = Backfill.builder("hours").partitioning(Partitioning.hourly(ZoneOffset.UTC))
        .<Row>source((slice, ctx, sink) -> {
          if (slice.key().equals("2024-05-20T17")) {
            failing.incrementAndGet();
            throw new IllegalStateException("bad hour " + slice.key());
          }
          sink.accept(Row.of("hour", slice.key()));
        }).destination(new TestDestination()).strategy(WriteStrategy.append()).stateStore(store)
        .sleeper(Fixtures.NO_WAIT).build();
    // 100 days of hours: 2,400 slices, over the 2,000 a report lists in full; 2024-05-20T17 is slice 1,937.
    RunReport report = backfill.execute(backfill.plan(PartitionRange.of("2024-03-01T00", "2024-06-08T23")),
        ExecutionOptions.builder().failurePolicy(FailurePolicy.continueAndReport()).build()).await();
    assertThat(report.slices()).hasSize(2_400);
    assertThat(report.count(SliceStatus.FAILED)).isEqualTo(1);
    RunHistory history = RunHistory.of(store);
    reads.clear();

    RunDetails details = history.run(report.runId(), 100, 0);
    String html = details.toHtml();

    assertThat(reads).doesNotContain("slices all", "attempts all");
    assertThat(html).contains("id=\"not-shown\"", "more slices not shown", "bad hour 2024-05-20T17",
        "data-key=\"2024-03-01T00\"", "data-key=\"2024-04-11T15\"");
    assertThat(html).as("slice 1,469 neither first, failed nor slow").doesNotContain("data-key=\"2024-05-01T05\"");
    assertThat(html).contains("id=\"count-total\">2400<", "id=\"count-failed\">1<");
    JsonNode json = new ObjectMapper().readTree(details.toJson());
    assertThat(json.path("progress").path("total").asInt()).isEqualTo(2_400);
    assertThat(json.path("slices").size() + json.path("slicesNotShown").asInt()).isEqualTo(2_400);
    assertThat(json.path("slicesNotShown").asInt()).isBetween(2_400 - 1_001 - 32, 2_400 - 1_001);
    assertThat(json.path("slices")).anySatisfy(s -> assertThat(s.path("key").asText()).isEqualTo("2024-05-20T17"));
    assertThat(failing).hasValue(1);
  }

  /**
   * A run's end walks its slices once: the finisher's walk for the verdict (how many committed, the
   * first that did not) also builds the report, since once the run is finishing no worker changes a
   * slice that had ended. One page of 1,000 slices per read, so 2,500 slices are three reads.
   */
  @Test
  void aRunsEndReadsEachPageOfItsSlicesOnceForItsVerdictAndItsReport() {
    Backfill<Row> backfill = daily(source((slice, ctx) -> {
      if (slice.key().equals("2020-06-01")) {
        throw new IllegalStateException("bad day " + slice.key());
      }
    }), new TestDestination()).stateStore(store).build();
    BackfillPlan plan = backfill.plan(PartitionRange.of("2018-01-01", "2024-11-04"));
    assertThat(plan.sliceCount()).isEqualTo(2_500);

    RunReport report = backfill.execute(plan, ExecutionOptions.builder().retry(RetryPolicy.none())
        .failurePolicy(FailurePolicy.continueAndReport()).build()).await();

    assertThat(reads).containsExactly("slices 0+1000", "slices 1000+1000", "slices 2000+1000");
    assertThat(report.status()).isEqualTo(RunStatus.FAILED);
    assertThat(report.message()).contains("1 of 2500 slice(s) did not commit; first 2020-06-01");
    assertThat(report.slices()).hasSize(2_500);
    assertThat(report.count(SliceStatus.SUCCEEDED)).isEqualTo(2_499);
    assertThat(report.count(SliceStatus.FAILED)).isEqualTo(1);
    assertThat(report.rows()).isEqualTo(2 * 2_499);
  }
}
