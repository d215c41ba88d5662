package dev.backfill;

import dev.backfill.spi.ResourceProvider;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceOutcome;
import dev.backfill.spi.SliceRecord;
import dev.backfill.spi.StateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a target's history into a state store the way runs do, through the SPI only: create a
 * run with its slices, claim each slice, complete it with an outcome. Each recorded run starts an
 * hour after the previous one.
 */
final class StoreHistory {
  private final StateStore store;
  private final String target;
  private static final java.util.concurrent.atomic.AtomicInteger RUNS = new java.util.concurrent.atomic.AtomicInteger();
  private Instant now;

  StoreHistory(StateStore store, String target, Instant start) {
    this.store = store;
    this.target = target;
    this.now = start;
  }

  /** One slice of a seeded run: its partitions, how it ends and how long it took. */
  record Seed(List<String> partitions, SliceStatus status, Duration took) {
    static Seed of(String key, SliceStatus status, Duration took) {
      return new Seed(List.of(key), status, took);
    }
  }

  /**
   * Records a run of the given logic version whose slices end as given, in order.
   *
   * @return the run id
   */
  String run(String logicVersion, List<Seed> seeds) {
    String runId = "seed-" + target + "-" + RUNS.incrementAndGet();
    List<SliceRecord> slices = new ArrayList<>(seeds.size());
    for (int i = 0; i < seeds.size(); i++) {
      List<String> keys = seeds.get(i).partitions();
      String key = keys.size() == 1 ? keys.get(0) : keys.get(0) + ".." + keys.get(keys.size() - 1);
      slices.add(SliceRecord.pending(runId, i, key, keys));
    }
    store.createRun(new RunRecord(runId, target, RunStatus.RUNNING, logicVersion, Guarantee.AT_LEAST_ONCE, "{}",
        seeds.size(), now, null, ""), slices);
    boolean failed = false;
    for (Seed seed : seeds) {
      SliceLease lease = store.claim(runId, "seeder", Duration.ofMinutes(5)).orElseThrow();
      Instant finished = now.plus(seed.took());
      boolean ok = seed.status() == SliceStatus.SUCCEEDED;
      failed |= !ok;
      store.complete(lease, new SliceOutcome(seed.status(), ok ? 10 : 0, now, finished, ok ? null : "seeded failure",
          List.of(), null), ResourceProvider.NONE);
    }
    now = now.plus(Duration.ofHours(1));
    store.updateRun(runId, failed ? RunStatus.FAILED : RunStatus.SUCCEEDED, now, "seeded");
    return runId;
  }

  /** Records a run with one slice per key, all ending with the same status and duration. */
  String run(String logicVersion, SliceStatus status, Duration took, String... keys) {
    List<Seed> seeds = new ArrayList<>();
    for (String key : keys) {
      seeds.add(Seed.of(key, status, took));
    }
    return run(logicVersion, seeds);
  }
}
