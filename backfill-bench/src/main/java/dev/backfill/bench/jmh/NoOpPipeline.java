package dev.backfill.bench.jmh;

import dev.backfill.Backfill;
import dev.backfill.InMemoryStateStore;
import dev.backfill.Partitioning;
import dev.backfill.SliceStats;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.SliceWriter;
import java.util.List;

/**
 * A backfill whose source reads nothing and whose destination writes nothing, so a run measures
 * only the planner, executor and in-memory state store.
 */
public final class NoOpPipeline {

  private NoOpPipeline() {}

  /**
   * Builds the no-op backfill.
   *
   * @param partitioning its partitioning
   * @param store the state store
   * @return the backfill
   */
  public static Backfill<Object> backfill(Partitioning partitioning, InMemoryStateStore store) {
    return Backfill.builder("bench.noop")
        .partitioning(partitioning)
        .source((slice, context, sink) -> { })
        .destination(new NoOpDestination())
        .strategy(WriteStrategy.append())
        .stateStore(store)
        .build();
  }

  /** Opens writers that accept and discard. */
  static final class NoOpDestination implements DestinationNode<Object> {
    @Override
    public SliceWriter<Object> open(dev.backfill.Slice slice, WriteStrategy strategy,
        dev.backfill.spi.SliceContext context) {
      return new SliceWriter<>() {
        @Override
        public void write(List<?> batch) {
          // discarded
        }

        @Override
        public SliceStats stats() {
          return SliceStats.EMPTY;
        }

        @Override
        public void commit() {
          // nothing to commit
        }

        @Override
        public void abort() {
          // nothing to roll back
        }
      };
    }
  }
}
