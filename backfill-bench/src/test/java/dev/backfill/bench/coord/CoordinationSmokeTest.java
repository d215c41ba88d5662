package dev.backfill.bench.coord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.bench.compare.Engine;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps the coordination bench runnable with tiny sizes: both contenders finish every task in worker
 * JVMs of their own, after a warm-up round of each JVM's own or one of all JVMs together (a round that
 * loses a task fails), and the profile counts round trips per task.
 */
class CoordinationSmokeTest {

  @Test
  void bothContendersFinishEveryTaskInTwoWorkerJvmsAfterAWarmUpRoundOfTheirOwn() throws Exception {
    String table = Coordination.run(new Coordination.Settings(List.of(Engine.POSTGRES), List.of(2), 2, 40, 1,
        List.of("ours", "db-scheduler"), 10, false));
    System.out.println(table);
    assertThat(table).contains("| postgres | 2 × 2 | 40 | 10 | ours |", "| postgres | 2 × 2 | 40 | 10 | db-scheduler |");
  }

  @Test
  void bothContendersFinishEveryTaskInTwoWorkerJvmsAfterAWarmUpRoundTogether() throws Exception {
    String table = Coordination.run(new Coordination.Settings(List.of(Engine.MARIADB), List.of(2), 2, 40, 1,
        List.of("ours", "db-scheduler"), 10, true));
    System.out.println(table);
    assertThat(table).contains("| mariadb | 2 × 2 | 40 | 10 together | ours |",
        "| mariadb | 2 × 2 | 40 | 10 together | db-scheduler |");
  }

  @Test
  void theProfileCountsRoundTripsPerTaskOnBothEngines() throws Exception {
    for (Engine engine : List.of(Engine.POSTGRES, Engine.MARIADB)) {
      String profile = Coordination.profile(engine, List.of("ours", "db-scheduler"), 2, 30);
      System.out.println(profile);
      assertThat(profile).contains(engine.label() + ", ours, 1 JVM × 2 threads, 30 tasks:",
          engine.label() + ", db-scheduler, 1 JVM × 2 threads, 30 tasks:", "round trips per task",
          "| statement UPDATE");
    }
  }
}
