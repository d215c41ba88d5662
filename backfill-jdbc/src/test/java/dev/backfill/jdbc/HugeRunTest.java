package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.BackfillRun;
import dev.backfill.CancelMode;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.RunDetails;
import dev.backfill.RunHistory;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.Slice;
import dev.backfill.SliceHistory;
import dev.backfill.SliceStats;
import dev.backfill.SliceStatus;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SliceWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A huge run of hourly slices kept in a {@link JdbcStateStore} on PostgreSQL, in a JVM with a 128 MB
 * heap (surefire execution {@code lowmem}): creating, claiming, finishing, reporting and re-planning
 * the run, rendering its report as JSON and reading its history ({@link RunHistory}), must never hold
 * every slice, or it runs out of memory. Slices write nothing, so the run measures only the executor and
 * the store.
 *
 * <p>Every build runs 2,000,000 slices (property {@code backfill.huge.slices}), about 50 s here with
 * 9 MB of heap in use. The run is cancelled after {@value #WORKED} slices committed, since the store's
 * round trips make two million slices take most of an hour. The whole run to the end is
 * {@link #twoMillionSlicesRunToTheEnd}, enabled with {@code -Dbackfill.huge.complete=true}.
 */
@Tag("lowmem")
class HugeRunTest {
  static final int SLICES = Integer.getInteger("backfill.huge.slices", 2_000_000);
  static final int WORKED = 3_000;
  static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH", Locale.ROOT);
  static final LocalDateTime FIRST = LocalDateTime.of(1790, 1, 1, 0, 0);
  static final LocalDateTime LAST = FIRST.plusHours(SLICES - 1L);
  static final PartitionRange RANGE = PartitionRange.of(FIRST.format(HOUR), LAST.format(HOUR));

  TestDatabase db;
  final AtomicLong committed = new AtomicLong();

  @BeforeEach
  void setUp() {
    assertThat(Runtime.getRuntime().maxMemory()).as("the test JVM runs with -Xmx128m").isLessThan(160L << 20);
    db = TestDatabase.open(TestDatabase.Engine.POSTGRES);
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  Backfill<Object> backfill() {
    return Backfill.builder("hours")
        .partitioning(Partitioning.hourly(ZoneOffset.UTC))
        .source((slice, context, sink) -> sink.accept(slice.key()))
        .destination(new CountingDestination(committed))
        .strategy(WriteStrategy.append())
        .stateStore(JdbcStateStore.create(db.dataSource()))
        .build();
  }

  @Test
  void aHugeRunIsStoredWorkedCancelledReportedAndPlannedAgainInASmallHeap() {
    Backfill<Object> backfill = backfill();
    BackfillPlan plan = backfill.plan(RANGE);
    assertThat(plan.sliceCount()).isEqualTo(SLICES);
    BackfillRun run = backfill.execute(plan, ExecutionOptions.builder().maxConcurrency(4).build());
    while (committed.get() < WORKED && !run.isDone()) {
      sleep();
    }
    run.cancel(CancelMode.GRACEFUL);
    RunReport report = run.await();
    printHeap(String.format(Locale.ROOT, "run of %,d slices cancelled after %,d", SLICES, committed.get()));

    int done = (int) committed.get();
    assertThat(report.status()).as(report.summary()).isEqualTo(RunStatus.CANCELLED);
    assertThat(done).isGreaterThanOrEqualTo(WORKED);
    assertThat(report.count(SliceStatus.SUCCEEDED)).isEqualTo(done);
    assertThat(report.rows()).isEqualTo(done);
    assertThat(report.slices()).hasSize(SLICES);
    assertThat(report.message()).contains((SLICES - done) + " slice(s) did not commit");
    // Walk the whole report, page by page: the committed slices are the first ones, in index order.
    long walked = report.slices().stream().filter(s -> s.status() == SliceStatus.SUCCEEDED).count();
    assertThat(walked).isEqualTo(done);
    assertThat(report.slices().get(SLICES - 1).key()).isEqualTo(LAST.format(HOUR));
    printHeap("after walking the report");

    // The report as JSON: the capped text, then every slice streamed to a writer that keeps nothing.
    long rendered = System.nanoTime();
    JsonNode json = readTree(report.toJson());
    assertThat(json.path("counts").path("SUCCEEDED").asInt()).isEqualTo(done);
    assertThat(json.path("slices").size() + json.path("slicesNotShown").asLong()).isEqualTo(SLICES);
    assertThat(json.path("slices").get(0).path("key").asText()).isEqualTo(FIRST.format(HOUR));
    printHeap(String.format(Locale.ROOT, "after the report's capped JSON (%,d slices listed) in %,d s",
        json.path("slices").size(), (System.nanoTime() - rendered) / 1_000_000_000L));
    rendered = System.nanoTime();
    CountingWriter out = new CountingWriter();
    report.writeJson(out);
    // One object per slice, besides the report and its counts: keys and statuses hold no brace.
    assertThat(out.objects).isEqualTo(SLICES + 2L);
    printHeap(String.format(Locale.ROOT, "after streaming the report's JSON (%,d MB) in %,d s", out.chars >> 20,
        (System.nanoTime() - rendered) / 1_000_000_000L));

    // The operator's history of the run: every slice with its attempts, read page by page.
    long started = System.nanoTime();
    RunDetails details = RunHistory.of(JdbcStateStore.create(db.dataSource())).run(report.runId());
    assertThat(details.slices()).hasSize(SLICES);
    Map<SliceStatus, Long> statuses = new EnumMap<>(SliceStatus.class);
    Map<SliceStatus, Long> attempts = new EnumMap<>(SliceStatus.class);
    int index = 0;
    for (SliceHistory s : details.slices()) {
      assertThat(s.index()).isEqualTo(index++);
      statuses.merge(s.status(), 1L, Long::sum);
      s.attempts().forEach(a -> attempts.merge(a.status(), 1L, Long::sum));
    }
    assertThat(statuses.get(SliceStatus.SUCCEEDED)).isEqualTo(done);
    assertThat(statuses.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(SLICES);
    // The slices in flight at the cancel may leave a CANCELLED attempt, those claimed ahead but not started a
    // SKIPPED one (the workers settle them); each committed slice has one success.
    assertThat(attempts.get(SliceStatus.SUCCEEDED)).as("attempts %s", attempts).isEqualTo(done);
    assertThat(attempts.keySet()).as("attempts %s", attempts)
        .isSubsetOf(SliceStatus.SUCCEEDED, SliceStatus.CANCELLED, SliceStatus.SKIPPED);
    printHeap(String.format(Locale.ROOT, "after walking the run's history in %,d s",
        (System.nanoTime() - started) / 1_000_000_000L));

    // A new plan of the range leaves out what committed; resuming would run the rest.
    BackfillPlan again = backfill.plan(RANGE);
    assertThat(again.sliceCount()).isEqualTo(SLICES - done);
    printHeap("after planning again");
  }

  @Test
  @EnabledIfSystemProperty(named = "backfill.huge.complete", matches = "true")
  void twoMillionSlicesRunToTheEnd() {
    Backfill<Object> backfill = backfill();
    BackfillPlan plan = backfill.plan(RANGE);
    long started = System.nanoTime();
    RunReport report = backfill.execute(plan, ExecutionOptions.builder().maxConcurrency(4).build()).await();
    printHeap(String.format(Locale.ROOT, "run of %,d slices to the end in %,d s", SLICES,
        (System.nanoTime() - started) / 1_000_000_000L));

    assertThat(report.status()).as(report.summary()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(committed).hasValue(SLICES);
    assertThat(report.rows()).isEqualTo(SLICES);
    assertThat(report.counts()).containsExactly(Map.entry(SliceStatus.SUCCEEDED, SLICES));
    assertThat(report.slices().stream().filter(s -> s.status() == SliceStatus.SUCCEEDED).count()).isEqualTo(SLICES);
    assertThat(backfill.plan(RANGE).sliceCount()).isZero();
  }

  static void sleep() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static void printHeap(String what) {
    System.gc();
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    System.out.printf(Locale.ROOT, "HUGERUN %s: heap used %,d MB of max %,d MB%n", what, heap.getUsed() >> 20,
        heap.getMax() >> 20);
  }

  static JsonNode readTree(String json) {
    try {
      return new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new AssertionError("the report's JSON does not parse", e);
    }
  }

  /** Counts the characters and JSON objects written to it and keeps nothing. */
  static final class CountingWriter extends Writer {
    long chars;
    long objects;

    @Override
    public void write(char[] buffer, int offset, int length) {
      chars += length;
      for (int i = offset; i < offset + length; i++) {
        if (buffer[i] == '{') {
          objects++;
        }
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  /** Counts committed slices and keeps nothing. */
  record CountingDestination(AtomicLong committed) implements DestinationNode<Object> {
    @Override
    public SliceWriter<Object> open(Slice slice, WriteStrategy strategy, SliceContext context) {
      return new SliceWriter<>() {
        long rows;

        @Override
        public void write(List<?> batch) {
          rows += batch.size();
        }

        @Override
        public SliceStats stats() {
          return SliceStats.ofRows(rows);
        }

        @Override
        public void commit() {
          committed.incrementAndGet();
        }

        @Override
        public void abort() {}
      };
    }
  }
}
