package dev.backfill.bench.coord;

import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When a worker JVM's first no-op task started and each one ended (wall-clock milliseconds, which all
 * JVMs on one machine share), and how many it ran.
 */
final class Window {
  private final AtomicLong first = new AtomicLong(Long.MAX_VALUE);
  private final ConcurrentLinkedQueue<Long> ends = new ConcurrentLinkedQueue<>();

  void started() {
    long now = System.currentTimeMillis();
    first.accumulateAndGet(now, Math::min);
  }

  void ended() {
    ends.add(System.currentTimeMillis());
  }

  /** The line a child prints for the parent: {@code WINDOW first last count end...}. */
  String line() {
    List<Long> all = List.copyOf(ends);
    long last = all.stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
    StringJoiner line = new StringJoiner(" ").add("WINDOW " + first.get() + " " + last + " " + all.size());
    all.forEach(e -> line.add(Long.toString(e)));
    return line.toString();
  }
}
