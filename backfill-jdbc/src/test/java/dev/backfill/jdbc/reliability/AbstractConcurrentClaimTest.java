package dev.backfill.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Guarantee;
import dev.backfill.RunStatus;
import dev.backfill.SliceStatus;
import dev.backfill.spi.ResourceProvider;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceOutcome;
import dev.backfill.spi.SliceRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.api.Test;

/**
 * Workers stop when a claim comes back empty, so a claim may only come back empty when no slice is
 * claimable. Several threads claim and complete the slices of a run as fast as they can. After an
 * empty claim, a thread waits until no other claim is in flight and counts the PENDING slices: a
 * slice still PENDING then was claimable during the empty claim and no concurrent claim took it, so
 * the empty answer was wrong (slices only leave PENDING in this test). Every slice must end
 * SUCCEEDED, and no empty claim may be wrong.
 */
abstract class AbstractConcurrentClaimTest extends EngineFixture {
  private static final int SLICES = 60;
  private static final int THREADS = 4;
  private static final int RUNS = 8;

  @Test
  void concurrentClaimsNeverComeBackEmptyWhileSlicesAreClaimable() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    long started = System.nanoTime();
    int stranded = 0;
    ReadWriteLock claims = new ReentrantReadWriteLock();
    AtomicInteger wrongEmpty = new AtomicInteger();
    try {
      for (int r = 0; r < RUNS; r++) {
        String runId = "claims-" + r;
        List<SliceRecord> slices = new ArrayList<>();
        for (int i = 0; i < SLICES; i++) {
          String key = LocalDate.parse("2024-01-01").plusDays(i).toString();
          slices.add(SliceRecord.pending(runId, i, key, List.of(key)));
        }
        store.createRun(new RunRecord(runId, "claims", RunStatus.RUNNING, "v1", Guarantee.AT_LEAST_ONCE, "{}", SLICES,
            Instant.now(), null, ""), slices);
        AtomicInteger claimed = new AtomicInteger();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          String worker = "w" + t;
          workers.add(CompletableFuture.runAsync(() -> {
            while (true) {
              Optional<SliceLease> lease;
              claims.readLock().lock();
              try {
                lease = store.claim(runId, worker, Duration.ofMinutes(1));
              } finally {
                claims.readLock().unlock();
              }
              if (lease.isEmpty()) {
                int pending;
                claims.writeLock().lock();
                try {
                  pending = store.countSlices(runId).getOrDefault(SliceStatus.PENDING, 0);
                } finally {
                  claims.writeLock().unlock();
                }
                if (pending == 0) {
                  return;
                }
                wrongEmpty.incrementAndGet();
                continue;
              }
              claimed.incrementAndGet();
              Instant now = Instant.now();
              store.complete(lease.get(), new SliceOutcome(SliceStatus.SUCCEEDED, 1, now, now, null, List.of(), null),
                  ResourceProvider.NONE);
            }
          }, pool));
        }
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get();
        Map<SliceStatus, Integer> counts = store.countSlices(runId);
        stranded += SLICES - counts.getOrDefault(SliceStatus.SUCCEEDED, 0);
        assertThat(counts).as("run %d: slices after %d threads stopped at their first empty claim", r, THREADS)
            .isEqualTo(Map.of(SliceStatus.SUCCEEDED, SLICES));
        assertThat(claimed).hasValue(SLICES);
      }
      assertThat(wrongEmpty).as("empty claims while a claimable slice was left untaken").hasValue(0);
    } finally {
      pool.shutdownNow();
      System.out.printf("CLAIMS %s: %d runs of %d slices claimed by %d threads at once in %d ms; %d wrong empty claims,"
          + " %d slices stranded%n", engine(), RUNS, SLICES, THREADS, (System.nanoTime() - started) / 1_000_000,
          wrongEmpty.get(), stranded);
    }
  }
}
