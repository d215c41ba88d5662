package dev.backfill.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.RunStatus;
import dev.backfill.spi.RunRecord;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two runs of one target at once, from two JVMs sharing the state store and the table, for every
 * write strategy: both plan and execute at the same moment, each writing rows of its own label. One
 * run holds the target; the other is refused naming the holder (or, if it came late, finds nothing
 * in flight to plan and runs after it). Either way the destination equals exactly one run's result:
 * no doubled append, no mixed labels, no rebuild sharing a shadow, and no run that reports SUCCEEDED
 * or a false "live table untouched" while the table shows otherwise.
 */
abstract class AbstractConcurrentRunTest extends EngineFixture {
  private static final int ROWS_PER_DAY = 5;
  private static final List<String> RUNS = List.of("a", "b");

  @ParameterizedTest(name = "{0}")
  @EnumSource(DailyTarget.Kind.class)
  void twoJvmsStartingARunOfOneTargetAtOnceLeaveExactlyOneRunsResult(DailyTarget.Kind kind) {
    String table = "concurrent_" + kind.name().toLowerCase(java.util.Locale.ROOT);
    DailyTarget target = new DailyTarget(db.dataSource(), table, kind, ROWS_PER_DAY);
    target.create();
    String prefix = "concurrent-" + kind + "-" + Long.toHexString(System.nanoTime());
    Map<String, ChildJvm> children = new LinkedHashMap<>();
    try {
      for (String label : RUNS) {
        children.put(label, ChildJvm.start(prefix + "-" + engine() + "-" + label, Map.ofEntries(
            Map.entry("mode", "execute"), Map.entry("url", db.jdbcUrl()), Map.entry("user", db.user()),
            Map.entry("table", table), Map.entry("kind", kind.name()), Map.entry("rows", String.valueOf(ROWS_PER_DAY)),
            Map.entry("sleep", "15"), Map.entry("label", label), Map.entry("run", prefix + "-" + label),
            Map.entry("worker", "jvm-" + label), Map.entry("concurrency", "2"), Map.entry("go", "stdin"))));
      }
      children.values().forEach(c -> c.await("READY", Duration.ofSeconds(60)));
      children.values().forEach(ChildJvm::go);

      List<String> refused = new ArrayList<>();
      List<String> succeeded = new ArrayList<>();
      for (Map.Entry<String, ChildJvm> e : children.entrySet()) {
        int exit = e.getValue().awaitExit(Duration.ofSeconds(120));
        String out = e.getValue().output();
        if (exit == 3) {
          assertThat(out).as("the refusal names the holder").contains("is being written by run " + prefix + "-",
              "worker jvm-", "since");
          refused.add(e.getKey());
        } else {
          assertThat(exit).as("exit code of run %s:%n%s", e.getKey(), out).isZero();
          assertThat(out).as("run %s", e.getKey()).contains(ChildJvm.MARKER + "DONE SUCCEEDED");
          succeeded.add(e.getKey());
        }
      }
      System.out.printf("CONCURRENT %s %s: succeeded %s, refused %s%n", engine(), kind, succeeded, refused);

      assertThat(succeeded).as("at least one run wrote the target").isNotEmpty();
      List<RunRecord> runs = store.runs(table);
      assertThat(runs).as("runs in the history").allSatisfy(r -> assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED));
      assertThat(runs).as("a refused run leaves no run behind").hasSize(succeeded.size());
      if (runs.size() == 2) {
        RunRecord first = runs.get(1);
        RunRecord second = runs.get(0);
        assertThat(second.createdAt()).as("a second run only started after the first ended")
            .isAfterOrEqualTo(first.finishedAt());
      }
      // The run that wrote last decides every day: its label throughout, on the old rows once.
      String winner = runs.stream().filter(r -> r.sliceCount() > 0).findFirst().orElseThrow().runId()
          .substring(prefix.length() + 1);
      Map<LocalDate, List<String>> days = target.linesByDay();
      for (LocalDate day : DailyTarget.days()) {
        assertThat(days.get(day)).as("day %s after %s won", day, winner).isEqualTo(target.expectedAfter(day, winner));
      }
    } finally {
      children.values().forEach(ChildJvm::close);
    }
  }
}
