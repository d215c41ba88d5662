package dev.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.event.BackfillEvent;
import dev.backfill.spi.RecordSink;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SourceNode;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Combinators;

class CancelResumeProperties {

  record Scenario(int days, int batchSize, int concurrency, boolean merge, List<Integer> failures, int cancelAfter,
      CancelMode mode) {}

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<Integer> days = Arbitraries.integers().between(2, 24);
    return days.flatMap(n -> Combinators.combine(
        Arbitraries.integers().between(1, 3),
        Arbitraries.integers().between(1, 3),
        Arbitraries.of(true, false),
        Arbitraries.integers().between(0, 2).list().ofSize(n),
        Arbitraries.integers().between(0, n),
        Arbitraries.of(CancelMode.class))
        .as((batch, conc, merge, failures, cancelAt, mode) -> new Scenario(n, batch, conc, merge, failures, cancelAt, mode)));
  }

  @Property(tries = 40)
  void cancelThenResumeYieldsTheSameContentAsOneUninterruptedRun(@ForAll("scenarios") Scenario s) {
    PartitionRange range = PartitionRange.of("2024-01-01", LocalDate.parse("2024-01-01").plusDays(s.days() - 1).toString());
    PlanOptions options = PlanOptions.defaults().batchSize(s.batchSize());

    TestDestination reference = new TestDestination();
    Backfill<Row> clean = backfill(s, reference, Map.of());
    assertThat(clean.execute(clean.plan(range, options)).await().succeeded()).isTrue();

    TestDestination dest = new TestDestination();
    Map<String, Integer> schedule = new ConcurrentHashMap<>();
    for (int i = 0; i < s.days(); i++) {
      schedule.put(LocalDate.parse("2024-01-01").plusDays(i).toString(), s.failures().get(i));
    }
    Backfill<Row> interrupted = backfill(s, dest, schedule);
    CompletableFuture<BackfillRun> handle = new CompletableFuture<>();
    AtomicInteger committed = new AtomicInteger();
    ExecutionOptions exec = ExecutionOptions.builder().maxConcurrency(s.concurrency())
        .retry(RetryPolicy.exponential(3, Duration.ofMillis(1)))
        .listener(e -> {
          if (e instanceof BackfillEvent.SliceSucceeded && committed.incrementAndGet() == s.cancelAfter()) {
            handle.thenAccept(run -> run.cancel(s.mode()));
          }
        })
        .build();
    BackfillRun run = interrupted.execute(interrupted.plan(range, options), exec);
    if (s.cancelAfter() == 0) {
      run.cancel(s.mode());
    }
    handle.complete(run);
    RunReport report = run.await();
    for (int resumes = 0; !report.succeeded() && resumes < 5; resumes++) {
      report = interrupted.resume(report.runId(), ExecutionOptions.builder().maxConcurrency(s.concurrency())
          .retry(RetryPolicy.exponential(3, Duration.ofMillis(1))).build()).await();
    }

    assertThat(report.succeeded()).as("run succeeds after resumes: %s", report.summary()).isTrue();
    assertThat(Fixtures.sorted(dest.rows())).isEqualTo(Fixtures.sorted(reference.rows()));
  }

  private static Backfill<Row> backfill(Scenario s, TestDestination dest, Map<String, Integer> failures) {
    Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    SourceNode<Row> source = new SourceNode<>() {
      @Override
      public void read(Slice slice, SliceContext ctx, RecordSink<? super Row> sink) throws Exception {
        String first = slice.first().key().value();
        if (attempts.computeIfAbsent(first, k -> new AtomicInteger()).incrementAndGet() <= failures.getOrDefault(first, 0)) {
          throw new SQLTransientConnectionException("injected failure of " + first, "08006");
        }
        for (Partition p : slice.partitions()) {
          LocalDate day = (LocalDate) p.tokens().get("start_date");
          for (int i = 0; i < day.getDayOfMonth() % 4 + 1; i++) {
            sink.accept(Row.of("day", day, "id", day + "#" + i, "amount", (long) day.getDayOfYear() * 10 + i));
          }
        }
      }
    };
    return Backfill.builder("orders")
        .partitioning(Partitioning.daily(ZoneOffset.UTC))
        .source(source)
        .destination(dest)
        .strategy(s.merge() ? WriteStrategy.merge("id") : WriteStrategy.overwritePartition("day"))
        .sleeper(Fixtures.NO_WAIT)
        .build();
  }
}
