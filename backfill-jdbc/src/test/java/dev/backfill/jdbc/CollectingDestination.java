package dev.backfill.jdbc;

import dev.backfill.Slice;
import dev.backfill.SliceStats;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SliceStatsCollector;
import dev.backfill.spi.SliceWriter;
import java.util.ArrayList;
import java.util.List;

/** Keeps the committed records of every slice in memory, for source tests. */
final class CollectingDestination implements DestinationNode<Object> {
  private final List<Object> committed = new ArrayList<>();

  synchronized List<Object> records() {
    return List.copyOf(committed);
  }

  @Override
  public SliceWriter<Object> open(Slice slice, WriteStrategy strategy, SliceContext context) {
    List<Object> pending = new ArrayList<>();
    SliceStatsCollector stats = new SliceStatsCollector();
    return new SliceWriter<>() {
      @Override
      public void write(List<?> batch) {
        pending.addAll(batch);
        stats.addAll(batch);
      }

      @Override
      public SliceStats stats() {
        return stats.stats();
      }

      @Override
      public void commit() {
        synchronized (CollectingDestination.this) {
          committed.addAll(pending);
        }
      }

      @Override
      public void abort() {}
    };
  }
}
