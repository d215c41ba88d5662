package dev.backfill.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.Guarantee;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.SliceStatus;
import dev.backfill.jdbc.JdbcStateStore;
import dev.backfill.spi.SliceAttempt;
import dev.backfill.spi.SliceRecord;
import java.time.Duration;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Crash safety: a child JVM backfills 60 daily partitions (overwrite, merge or append) with a
 * {@link JdbcStateStore} on the destination's DataSource and is killed with SIGKILL at a random
 * moment; the test JVM then resumes the run. At the kill each day holds either its old rows or
 * exactly the committed slice's rows, matching the slice's status; after the resume the table equals
 * a clean run's row by row and every slice has exactly one SUCCEEDED attempt.
 *
 * <p>The kill moment is random over the run's progress whatever the machine's speed: a trial's seed
 * picks how many slices must have committed (0 to 60) and a further delay of up to about one slice's
 * time, so kills land before the first commit, between and inside slices, during the last commit and
 * after the run. Trials: {@code -Dbackfill.crash.trials=N} (default 20 per engine); each trial's seed
 * is printed and picks the strategy and the kill moment, so
 * {@code -Dbackfill.crash.seed=S -Dbackfill.crash.trials=1} replays one trial's choices.
 */
abstract class AbstractCrashTest extends EngineFixture {
  private static final int ROWS_PER_DAY = 8;
  private static final long SLEEP_MILLIS = 12;
  /** After the chosen number of commits, the kill waits up to this long: about one slice's time. */
  private static final int KILL_JITTER_MILLIS = 2 * (int) SLEEP_MILLIS + 10;

  private final Map<DailyTarget.Kind, DailyTarget> references = new EnumMap<>(DailyTarget.Kind.class);

  @Test
  void aRunKilledAtRandomMomentsResumesToTheContentOfACleanRun() {
    int trials = Integer.getInteger("backfill.crash.trials", 20);
    long firstSeed = Long.getLong("backfill.crash.seed", new SplittableRandom().nextLong() >>> 16);
    Figures f = new Figures();
    long started = System.nanoTime();
    for (int i = 0; i < trials; i++) {
      trial(i, firstSeed + i, f);
    }
    long total = (System.nanoTime() - started) / 1_000_000;
    int midSlice = f.moments.getOrDefault("mid-slice", 0);
    System.out.printf("CRASH %s: %d trials (first seed %d) in %d ms (%d ms per trial); kills %s;"
            + " %d killed mid-slice with %d slices in flight; %d slices committed before the kills;"
            + " %d slices re-run after the kills, of which %d had been in flight%n",
        engine(), trials, firstSeed, total, total / Math.max(1, trials), f.moments, midSlice, f.inFlight,
        f.committedBeforeKill, f.rerun, f.rerunInFlight);
    if (trials >= 10) {
      // The point of the test: most kills must interrupt a slice, not fall between runs.
      assertThat(midSlice).as("kills that landed while a slice was in flight").isGreaterThanOrEqualTo(trials / 2);
    }
  }

  private static final class Figures {
    final Map<String, Integer> moments = new TreeMap<>();
    int inFlight;
    int committedBeforeKill;
    int rerun;
    int rerunInFlight;
  }

  private void trial(int i, long seed, Figures f) {
    List<DailyTarget.Kind> kinds = List.of(DailyTarget.Kind.OVERWRITE, DailyTarget.Kind.MERGE, DailyTarget.Kind.APPEND,
        DailyTarget.Kind.PARTITIONED);
    DailyTarget.Kind kind = kinds.get((int) Math.floorMod(seed, (long) kinds.size()));
    Random random = new Random(seed);
    int killAfterCommits = random.nextInt(DailyTarget.DAYS + 1);
    int killAfter = random.nextInt(KILL_JITTER_MILLIS);
    DailyTarget target = new DailyTarget(db.dataSource(), "crash_" + i + "_" + kind.name().toLowerCase(), kind,
        ROWS_PER_DAY);
    long c0 = System.nanoTime();
    target.create();
    long createMs = (System.nanoTime() - c0) / 1_000_000;
    String runId = "crash-" + seed;
    long t0 = System.nanoTime();
    String context = "trial " + i + " seed " + seed + " (" + kind + ", kill " + killAfter + " ms after " + killAfterCommits
        + " commits; replay with"
        + " -Dbackfill.crash.seed=" + seed + " -Dbackfill.crash.trials=1)";
    System.out.println("CRASH " + engine() + " " + context);

    try (ChildJvm child = ChildJvm.start("crash-" + engine() + "-" + i, Map.of("mode", "execute", "url", db.jdbcUrl(),
        "user", db.user(), "table", target.table(), "kind", kind.name(), "rows", String.valueOf(ROWS_PER_DAY),
        "sleep", String.valueOf(SLEEP_MILLIS), "label", "v2", "run", runId, "worker", "child-" + i))) {
      child.await("WORKING", Duration.ofSeconds(60));
      long startup = (System.nanoTime() - t0) / 1_000_000;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (child.isAlive() && store.countSlices(runId).getOrDefault(SliceStatus.SUCCEEDED, 0) < killAfterCommits) {
        assertThat(System.nanoTime()).as("%s: the child's progress; its output:%n%s", context, child.output())
            .isLessThan(deadline);
        sleep(3);
      }
      sleep(killAfter);
      boolean finished = !child.isAlive();
      child.kill();
      if (finished) {
        assertThat(child.output()).as("%s: the child exited before the kill", context).contains("@@ DONE SUCCEEDED");
      }
      long killedAt = System.nanoTime();
      if (kind == DailyTarget.Kind.PARTITIONED) {
        // A TRUNCATE the server still commits for the killed client empties the day for an older snapshot
        // (TRUNCATE is not MVCC-safe); let it finish first.
        sleep(200);
      }
      boolean atLeastOnce = store.run(runId).orElseThrow().guarantee() == Guarantee.AT_LEAST_ONCE;

      // The moment of the kill: each day is old or completely new, exactly as its slice's status says.
      List<SliceRecord> atKill = store.slices(runId);
      Map<SliceStatus, Long> counts = atKill.stream()
          .collect(Collectors.groupingBy(SliceRecord::status, () -> new EnumMap<>(SliceStatus.class), Collectors.counting()));
      long running = counts.getOrDefault(SliceStatus.RUNNING, 0L);
      long succeeded = counts.getOrDefault(SliceStatus.SUCCEEDED, 0L);
      RunStatus runAtKill = store.run(runId).orElseThrow().status();
      DailyTarget.Snapshot snapshot = target.snapshot(runId);
      Map<LocalDate, List<String>> days = snapshot.linesByDay();
      Map<LocalDate, List<String>> clean = reference(kind).linesByDay();
      for (Map.Entry<String, SliceStatus> s : snapshot.statuses().entrySet()) {
        LocalDate day = LocalDate.parse(s.getKey());
        List<String> expected = s.getValue() == SliceStatus.SUCCEEDED ? clean.get(day) : target.expectedBefore(day);
        if (atLeastOnce && s.getValue() != SliceStatus.SUCCEEDED && clean.get(day).equals(days.get(day))) {
          // at-least-once (a MariaDB partition exchanged after the slice's commit): the data may be in
          // before the status; the resume replaces it with the same rows
          f.moments.merge("data before status", 1, Integer::sum);
          continue;
        }
        assertThat(days.get(day)).as("%s: day %s with slice %s at the kill (one snapshot)", context, day, s.getValue())
            .isEqualTo(expected);
      }
      String moment = running > 0 ? "mid-slice" : succeeded == 0 ? "before the first commit"
          : succeeded < DailyTarget.DAYS ? "between slices" : runAtKill == RunStatus.SUCCEEDED ? "after the run finished"
          : "after the last commit, while finishing the run";
      f.moments.merge(moment, 1, Integer::sum);
      f.inFlight += running;
      f.committedBeforeKill += succeeded;

      // A new process resumes: here the test JVM, with the same pipeline and the persisted plan.
      Backfill<Row> backfill = target.backfill(new GeneratedSource("v2", ROWS_PER_DAY, SLEEP_MILLIS), store);
      long r0 = System.nanoTime();
      RunReport report = backfill.resume(runId, DailyTarget.options().build()).await();
      long resumeMs = (System.nanoTime() - r0) / 1_000_000;
      long checkMs = (r0 - killedAt) / 1_000_000;
      assertThat(report.status()).as("%s: %s; slices (index:status/attempt/worker): %s", context, report.summary(),
          store.slices(runId).stream().map(r -> r.index() + ":" + r.status() + "/" + r.attempt() + "/" + r.worker())
              .collect(Collectors.joining(" "))).isEqualTo(RunStatus.SUCCEEDED);

      assertThat(target.lines()).as("%s: the table after the resume, row by row, against a clean run", context)
          .isEqualTo(reference(kind).lines());
      Map<String, Long> rowsPerDay = target.lines().stream()
          .collect(Collectors.groupingBy(l -> l.substring(0, 10), TreeMap::new, Collectors.counting()));
      assertThat(rowsPerDay).as(context + ": rows per day").hasSize(DailyTarget.DAYS)
          .allSatisfy((day, n) -> assertThat(n).as(day).isEqualTo((long) clean.get(LocalDate.parse(day)).size()));

      List<SliceAttempt> history = store.attempts(runId);
      Map<Integer, Long> successes = history.stream().filter(a -> a.status() == SliceStatus.SUCCEEDED)
          .collect(Collectors.groupingBy(SliceAttempt::index, TreeMap::new, Collectors.counting()));
      assertThat(successes).as(context + ": SUCCEEDED attempts per slice").hasSize(DailyTarget.DAYS)
          .allSatisfy((index, n) -> assertThat(n).as("slice %d", index).isEqualTo(1L));
      assertThat(store.slices(runId)).as(context).allSatisfy(s -> assertThat(s.status()).isEqualTo(SliceStatus.SUCCEEDED));
      if (kind == DailyTarget.Kind.PARTITIONED) {
        assertThat(store.slices(runId)).as(context + ": every slice replaced its partition")
            .allSatisfy(s -> assertThat(s.stats().metrics()).containsEntry("jdbc.partitions_replaced", 1.0));
        assertThat(db.lines("SELECT table_name FROM information_schema.tables WHERE table_name LIKE '%bfx%' AND table_schema = '" + db.name() + "'"))
            .as(context + ": staging tables left behind").isEmpty();
      }

      f.rerun += (int) (DailyTarget.DAYS - succeeded);
      f.rerunInFlight += running;
      System.out.printf("CRASH %s trial %d: killed %s%s with %d committed and %d in flight; resume ran %d slices;"
              + " %d ms (create %d, child start %d, check at kill %d, resume %d)%n", engine(), i, moment,
          finished ? " (the child had exited)" : "", succeeded, running, DailyTarget.DAYS - succeeded,
          (System.nanoTime() - t0) / 1_000_000, createMs, startup, checkMs, resumeMs);
    }
    db.exec("DROP TABLE " + db.q(target.table()));
  }

  /** The table after one clean, uninterrupted run, per strategy (built once, in this JVM). */
  private DailyTarget reference(DailyTarget.Kind kind) {
    return references.computeIfAbsent(kind, k -> {
      DailyTarget ref = new DailyTarget(db.dataSource(), "clean_" + k.name().toLowerCase(), k, ROWS_PER_DAY);
      ref.create();
      Backfill<Row> backfill = ref.backfill(new GeneratedSource("v2", ROWS_PER_DAY, 0), store);
      RunReport report = backfill.execute(backfill.plan(DailyTarget.range()), DailyTarget.options().build()).await();
      assertThat(report.status()).as(report.summary()).isEqualTo(RunStatus.SUCCEEDED);
      Map<LocalDate, List<String>> days = ref.linesByDay();
      for (LocalDate day : DailyTarget.days()) {
        // The clean run itself is what the strategy promises on the old rows.
        assertThat(days.get(day)).as("clean %s run, day %s", k, day).isEqualTo(ref.expectedAfter(day, "v2"));
      }
      return ref;
    });
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
