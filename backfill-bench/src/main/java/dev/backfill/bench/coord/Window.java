package dev.backfill.bench.coord;

import java.util.StringJoiner;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When a worker JVM's first no-op task started and each one ended (wall-clock milliseconds, which all
 * JVMs on one machine share), and how many it ran.
 */
final class Window {
  private final AtomicLong first = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong last = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong count = new AtomicLong();
  private final ConcurrentLinkedQueue<Long> ends = new ConcurrentLinkedQueue<>();

  void started() {
    long now = System.currentTimeMillis();
    first.accumulateAndGet(now, Math::min);
  }

  void ended() {
    long now = System.currentTimeMillis();
    last.accumulateAndGet(now, Math::max);
    count.incrementAndGet();
    ends.add(now);
  }

  long count() {
    return count.get();
  }

  /** The line a child prints for the parent: {@code WINDOW first last count end...}. */
  String line() {
    StringJoiner line = new StringJoiner(" ").add("WINDOW " + first.get() + " " + last.get() + " " + count.get());
    ends.forEach(e -> line.add(Long.toString(e)));
    return line.toString();
  }
}
