package dev.backfill.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.RunStatus;
import dev.backfill.SliceStatus;
import dev.backfill.jdbc.JdbcStateStore;
import dev.backfill.spi.SliceAttempt;
import dev.backfill.spi.SliceRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Scale-out: three worker JVMs share one run through a {@link JdbcStateStore}; the first creates the
 * run and works it, the other two join it with {@code Backfill.worker}. Once every worker has
 * committed slices, one of them (chosen by the printed seed) is killed with SIGKILL while it holds a
 * slice. The survivors take over its slices after their leases expire, and the run ends SUCCEEDED
 * with every partition committed exactly once. The table is written with append, so a slice
 * committed twice would show as doubled rows.
 */
abstract class AbstractMultiWorkerTest extends EngineFixture {
  private static final int ROWS_PER_DAY = 5;
  private static final long SLEEP_MILLIS = 70;
  /** The victim reads slower, so the kill finds it inside a slice rather than between two. */
  private static final long VICTIM_SLEEP_MILLIS = 250;
  private static final Duration LEASE = Duration.ofSeconds(2);
  private static final List<String> WORKERS = List.of("w1", "w2", "w3");

  @Test
  void threeWorkerJvmsShareARunAndTakeOverTheSlicesOfAKilledOne() {
    long seed = Long.getLong("backfill.workers.seed", new SplittableRandom().nextLong() >>> 16);
    String victim = WORKERS.get(new Random(seed).nextInt(WORKERS.size()));
    System.out.printf("WORKERS %s: seed %d, victim %s (replay with -Dbackfill.workers.seed=%d)%n", engine(), seed, victim,
        seed);
    DailyTarget target = new DailyTarget(db.dataSource(), "workers", DailyTarget.Kind.APPEND, ROWS_PER_DAY);
    target.create();
    String runId = "workers-" + seed;
    long t0 = System.nanoTime();
    Map<String, ChildJvm> children = new LinkedHashMap<>();
    try {
      for (String w : WORKERS) {
        children.put(w, ChildJvm.start(runId + "-" + engine() + "-" + w, Map.ofEntries(
            Map.entry("mode", w.equals("w1") ? "execute" : "join"), Map.entry("url", db.jdbcUrl()),
            Map.entry("user", db.user()), Map.entry("table", target.table()), Map.entry("kind", "APPEND"),
            Map.entry("rows", String.valueOf(ROWS_PER_DAY)), Map.entry("sleep", String.valueOf(w.equals(victim) ? VICTIM_SLEEP_MILLIS : SLEEP_MILLIS)),
            Map.entry("label", "v2"), Map.entry("run", runId), Map.entry("worker", w),
            Map.entry("lease", String.valueOf(LEASE.toMillis())), Map.entry("concurrency", "1"), Map.entry("go", "stdin"))));
      }
      // JVM start-up times differ; the workers begin together once all are up.
      children.values().forEach(c -> c.await("READY", Duration.ofSeconds(60)));
      children.values().forEach(ChildJvm::go);
      children.values().forEach(c -> c.await("WORKING", Duration.ofSeconds(60)));

      // Kill the victim once every worker committed slices and the victim holds one.
      List<SliceRecord> held;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (true) {
        Map<String, Long> committed = committedPerWorker(runId);
        held = store.slices(runId).stream()
            .filter(s -> s.status() == SliceStatus.RUNNING && victim.equals(s.worker())).toList();
        if (committed.keySet().containsAll(WORKERS) && !held.isEmpty()) {
          break;
        }
        assertThat(System.nanoTime()).as("every worker committing before the run ends; committed so far %s, %s",
            committed, store.countSlices(runId)).isLessThan(deadline);
        assertThat(store.countSlices(runId).getOrDefault(SliceStatus.PENDING, 0))
            .as("slices left to spread over the workers; committed so far %s", committed).isGreaterThan(0);
        sleep(5);
      }
      children.get(victim).kill();
      Instant killedAt = Instant.now();
      long killedNanos = System.nanoTime();
      Map<Integer, SliceRecord> orphaned = new TreeMap<>();
      for (SliceRecord s : store.slices(runId)) {
        if (s.status() == SliceStatus.RUNNING && victim.equals(s.worker())) {
          orphaned.put(s.index(), s);
        }
      }
      assertThat(orphaned).as("slices the victim held when it was killed").isNotEmpty();
      Map<String, Long> beforeKill = committedPerWorker(runId);

      List<String> survivors = WORKERS.stream().filter(w -> !w.equals(victim)).toList();
      for (String w : survivors) {
        String done = children.get(w).await("DONE", Duration.ofSeconds(90));
        System.out.printf("WORKERS %s: worker %s reported %s%n", engine(), w, done);
        assertThat(children.get(w).awaitExit(Duration.ofSeconds(30))).as("exit code of " + w).isZero();
      }
      long total = (System.nanoTime() - t0) / 1_000_000;

      // The run finished, every partition exactly once.
      assertThat(store.run(runId).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
      Map<LocalDate, List<String>> days = target.linesByDay();
      for (LocalDate day : DailyTarget.days()) {
        assertThat(days.get(day)).as("day %s: old rows plus the slice's rows once", day)
            .isEqualTo(target.expectedAfter(day, "v2"));
      }
      List<SliceAttempt> history = store.attempts(runId);
      Map<Integer, Long> successes = history.stream().filter(a -> a.status() == SliceStatus.SUCCEEDED)
          .collect(Collectors.groupingBy(SliceAttempt::index, TreeMap::new, Collectors.counting()));
      assertThat(successes).as("SUCCEEDED attempts per slice").hasSize(DailyTarget.DAYS)
          .allSatisfy((index, n) -> assertThat(n).as("slice %d", index).isEqualTo(1L));

      // The killed worker's slices were taken over by a survivor, after their leases expired.
      List<String> takeovers = new ArrayList<>();
      Map<Integer, SliceRecord> finalSlices = store.slices(runId).stream()
          .collect(Collectors.toMap(SliceRecord::index, s -> s));
      for (SliceRecord lost : orphaned.values()) {
        SliceRecord now = finalSlices.get(lost.index());
        SliceAttempt success = history.stream()
            .filter(a -> a.index() == lost.index() && a.status() == SliceStatus.SUCCEEDED).findFirst().orElseThrow();
        assertThat(now.status()).isEqualTo(SliceStatus.SUCCEEDED);
        assertThat(now.attempt()).as("attempt of slice %s after the takeover", lost.key()).isGreaterThan(lost.attempt());
        assertThat(success.worker()).as("worker that committed slice %s", lost.key()).isIn(survivors);
        assertThat(success.attempt()).isEqualTo(now.attempt());
        assertThat(success.startedAt()).as("start of the takeover of slice %s (lease until %s)", lost.key(),
            lost.leaseUntil()).isAfterOrEqualTo(lost.leaseUntil());
        takeovers.add(String.format("%s (attempt %d by %s, lease until %s, taken over %d ms after the kill)", lost.key(),
            success.attempt(), success.worker(), lost.leaseUntil(),
            Duration.between(killedAt, success.startedAt()).toMillis()));
      }

      // The work was spread: every survivor committed slices (and the victim did before it died).
      Map<String, Long> perWorker = committedPerWorker(runId);
      for (String w : survivors) {
        assertThat(perWorker.getOrDefault(w, 0L)).as("slices committed by surviving worker %s", w).isPositive();
      }
      assertThat(perWorker.getOrDefault(victim, 0L)).as("slices the victim committed before the kill").isPositive();
      System.out.printf("WORKERS %s: %d slices over %d worker JVMs in %d ms; committed per worker %s (before the kill"
              + " %s); killed %s %d ms after the start while it held %d slice(s); taken over: %s; lease %d ms%n",
          engine(), DailyTarget.DAYS, WORKERS.size(), total, perWorker, beforeKill, victim,
          (killedNanos - t0) / 1_000_000, orphaned.size(), takeovers, LEASE.toMillis());
    } finally {
      children.values().forEach(ChildJvm::close);
    }
  }

  private Map<String, Long> committedPerWorker(String runId) {
    return store.attempts(runId).stream().filter(a -> a.status() == SliceStatus.SUCCEEDED)
        .collect(Collectors.groupingBy(SliceAttempt::worker, TreeMap::new, Collectors.counting()));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
