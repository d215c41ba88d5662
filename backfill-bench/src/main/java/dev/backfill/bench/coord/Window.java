package dev.backfill.bench.coord;

import java.util.concurrent.atomic.AtomicLong;

/**
 * When a worker JVM's first no-op task started and its last one ended (wall-clock milliseconds, which
 * all JVMs on one machine share), and how many it ran.
 */
final class Window {
  private final AtomicLong first = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong last = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong count = new AtomicLong();

  void started() {
    long now = System.currentTimeMillis();
    first.accumulateAndGet(now, Math::min);
  }

  void ended() {
    long now = System.currentTimeMillis();
    last.accumulateAndGet(now, Math::max);
    count.incrementAndGet();
  }

  long count() {
    return count.get();
  }

  /** The line a child prints for the parent: {@code WINDOW first last count}. */
  String line() {
    return "WINDOW " + first.get() + " " + last.get() + " " + count.get();
  }
}
