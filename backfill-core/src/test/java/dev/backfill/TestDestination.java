package dev.backfill;

import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.RunContext;
import dev.backfill.spi.RunOutcome;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SliceStatsCollector;
import dev.backfill.spi.SliceWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A destination for core tests: a list of rows with the visible semantics of a table. A slice's
 * rows become visible only on commit; overwrite deletes the slice's days, merge replaces rows by
 * {@code id}, full rebuild fills a shadow that {@code finishRun} swaps in on success.
 */
class TestDestination implements DestinationNode<Row> {
  private List<Row> table = new ArrayList<>();
  private List<Row> shadow;
  private int beginRuns;

  synchronized List<Row> rows() {
    return List.copyOf(table);
  }

  synchronized void seed(List<Row> rows) {
    table = new ArrayList<>(rows);
  }

  synchronized int beginRuns() {
    return beginRuns;
  }

  @Override
  public synchronized void beginRun(RunContext run) {
    beginRuns++;
    if (run.strategy() instanceof WriteStrategy.FullRebuild && (shadow == null || !run.resumed())) {
      shadow = new ArrayList<>();
    }
  }

  @Override
  public synchronized void finishRun(RunContext run, RunOutcome outcome) {
    if (run.strategy() instanceof WriteStrategy.FullRebuild && outcome.succeeded()) {
      table = shadow;
      shadow = null;
    }
  }

  @Override
  public SliceWriter<Row> open(Slice slice, WriteStrategy strategy, SliceContext context) {
    return new SliceWriter<>() {
      private final List<Row> pending = new ArrayList<>();
      private final SliceStatsCollector stats = new SliceStatsCollector();
      private boolean committed;
      private boolean aborted;

      @Override
      public void write(List<? extends Row> batch) {
        pending.addAll(batch);
        stats.addAll(batch);
      }

      @Override
      public dev.backfill.SliceStats stats() {
        return stats.stats();
      }

      @Override
      public void commit() {
        synchronized (TestDestination.this) {
          if (aborted) {
            throw new IllegalStateException("slice " + slice.key() + " was aborted; it cannot commit");
          }
          committed = true;
          List<Row> target = strategy instanceof WriteStrategy.FullRebuild ? shadow : table;
          if (strategy instanceof WriteStrategy.OverwritePartition o) {
            target.removeIf(r -> o.columns().stream().allMatch(c -> slice.span(c).contains(r.get(c))));
          } else if (strategy instanceof WriteStrategy.Merge m) {
            for (Row row : pending) {
              target.removeIf(r -> m.keys().stream().allMatch(k -> Objects.equals(r.get(k), row.get(k))));
            }
          }
          target.addAll(pending);
        }
      }

      @Override
      public void abort() {
        synchronized (TestDestination.this) {
          aborted = !committed;
        }
      }
    };
  }
}
