package dev.backfill.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Measures the heap over a stretch of work, two ways: the peak of heap in use (garbage included,
 * so it depends on the young generation's size) and the peak still in use right after a
 * collection (the live set, which is what grows when a run holds rows instead of streaming them).
 * Start with {@link #start()}, read with {@link #stop()}.
 */
public final class HeapMeter implements AutoCloseable {

  private final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(p -> p.getType() == MemoryType.HEAP).toList();
  private final AtomicLong peakLive = new AtomicLong();
  private final NotificationListener listener = (notification, handback) -> {
    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
      GarbageCollectionNotificationInfo info =
          GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
      long after = info.getGcInfo().getMemoryUsageAfterGc().values().stream()
          .filter(u -> u != null).mapToLong(MemoryUsage::getUsed).sum()
          - nonHeapAfter(info);
      peakLive.accumulateAndGet(after, Math::max);
    }
  };

  /** Heap figures of one measured stretch, in bytes. */
  public record Reading(long peakUsed, long peakLive) {
    /**
     * Peak in use, in MiB.
     *
     * @return MiB
     */
    public double peakUsedMiB() {
      return peakUsed / (1024.0 * 1024.0);
    }

    /**
     * Peak live after a collection, in MiB.
     *
     * @return MiB
     */
    public double peakLiveMiB() {
      return peakLive / (1024.0 * 1024.0);
    }
  }

  /**
   * Starts listening to collections; collects once so the stretch starts from a clean heap.
   *
   * @return this meter
   */
  public HeapMeter start() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
      }
    }
    System.gc();
    heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
    peakLive.set(heapUsed());
    return this;
  }

  /**
   * Ends the stretch and returns the peaks. A stretch during which no collection ran reports the
   * live heap measured at its start.
   *
   * @return the reading
   */
  public Reading stop() {
    long peakUsed = heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    close();
    return new Reading(peakUsed, peakLive.get());
  }

  /**
   * Heap in use now.
   *
   * @return bytes
   */
  public static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private long nonHeapAfter(GarbageCollectionNotificationInfo info) {
    long nonHeap = 0;
    for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
      boolean heap = heapPools.stream().anyMatch(p -> p.getName().equals(e.getKey()));
      if (!heap && e.getValue() != null) {
        nonHeap += e.getValue().getUsed();
      }
    }
    return nonHeap;
  }

  @Override
  public void close() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        try {
          emitter.removeNotificationListener(listener);
        } catch (javax.management.ListenerNotFoundException ignored) {
          // already removed
        }
      }
    }
  }
}
