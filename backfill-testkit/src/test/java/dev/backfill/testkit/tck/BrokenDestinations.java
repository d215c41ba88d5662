package dev.backfill.testkit.tck;

import dev.backfill.Row;
import dev.backfill.Slice;
import dev.backfill.SliceStats;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SliceStatsCollector;
import dev.backfill.spi.SliceWriter;
import dev.backfill.testkit.ForwardingDestination;
import dev.backfill.testkit.InMemoryDestination;
import java.util.List;

/**
 * Destinations with one deliberate bug each, and the contract run against each of them, to prove that
 * {@link DestinationContract} catches them. The cases are run by {@link DestinationContractCanFailTest},
 * never directly (they are meant to fail, and being nested keeps Surefire from picking them up).
 */
final class BrokenDestinations {
  private BrokenDestinations() {}

  /** The contract against a broken destination that keeps its rows in an in-memory table. */
  abstract static class Case extends DestinationContract {
    private final Broken destination;

    Case(Broken destination) {
      this.destination = destination;
    }

    @Override
    protected DestinationNode<Row> createDestination() {
      return destination;
    }

    @Override
    protected List<Row> readRows() {
      return destination.table().rows();
    }
  }

  static final class OverwriteWithoutDeleteCase extends Case {
    OverwriteWithoutDeleteCase() {
      super(new OverwriteWithoutDelete());
    }
  }

  static final class AutoCommitCase extends Case {
    AutoCommitCase() {
      super(new AutoCommit());
    }
  }

  /** A broken destination over an in-memory table that readers see. */
  abstract static class Broken extends ForwardingDestination<Row> {
    private final InMemoryDestination table;

    Broken(InMemoryDestination table) {
      super(table);
      this.table = table;
    }

    InMemoryDestination table() {
      return table;
    }
  }

  /** Overwrite inserts the new rows but never deletes the old ones (the classic forgotten DELETE). */
  static final class OverwriteWithoutDelete extends Broken {
    OverwriteWithoutDelete() {
      super(InMemoryDestination.create());
    }

    @Override
    public SliceWriter<Row> open(Slice slice, WriteStrategy strategy, SliceContext context) throws Exception {
      WriteStrategy applied = strategy instanceof WriteStrategy.OverwritePartition ? WriteStrategy.append() : strategy;
      return super.open(slice, applied, context);
    }
  }

  /** Writes every batch straight into the table (auto-commit), so slices are not atomic. */
  static final class AutoCommit extends Broken {
    AutoCommit() {
      super(InMemoryDestination.create());
    }

    @Override
    public SliceWriter<Row> open(Slice slice, WriteStrategy strategy, SliceContext context) {
      SliceStatsCollector stats = new SliceStatsCollector();
      return new SliceWriter<>() {
        @Override
        public void write(List<? extends Row> batch) throws Exception {
          SliceWriter<Row> now = table().open(slice, strategy, context);
          now.write(batch);
          now.commit();
          stats.addAll(batch);
        }

        @Override
        public SliceStats stats() {
          return stats.stats();
        }

        @Override
        public void commit() {}

        @Override
        public void abort() {}
      };
    }
  }
}
