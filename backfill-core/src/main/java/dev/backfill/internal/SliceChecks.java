package dev.backfill.internal;

import dev.backfill.CheckContext;
import dev.backfill.CheckResult;
import dev.backfill.Partition;
import dev.backfill.Slice;
import dev.backfill.SliceCheck;
import dev.backfill.SliceStats;
import dev.backfill.spi.ResourceProvider;
import dev.backfill.spi.StateStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Evaluates checks on a slice's (or the whole run's) stats, with the target's earlier row counts
 * loaded once per session for checks relative to history.
 */
final class SliceChecks {
  private final StateStore store;
  private final String target;
  private volatile @Nullable Map<String, Long> previousRows;

  SliceChecks(StateStore store, String target) {
    this.store = store;
    this.target = target;
  }

  List<CheckResult> evaluate(List<SliceCheck> checks, Slice slice, SliceStats stats, ResourceProvider resources)
      throws Exception {
    if (checks.isEmpty()) {
      return List.of();
    }
    CheckContext context = new CheckContext() {
      @Override
      public Slice slice() {
        return slice;
      }

      @Override
      public SliceStats stats() {
        return stats;
      }

      @Override
      public OptionalLong previousRows() {
        return SliceChecks.this.previousRows(slice);
      }

      @Override
      public <R> Optional<R> resource(Class<R> type) {
        return resources.resource(type);
      }
    };
    List<CheckResult> results = new ArrayList<>(checks.size());
    for (SliceCheck check : checks) {
      results.add(check.evaluate(context));
    }
    return results;
  }

  private OptionalLong previousRows(Slice slice) {
    Map<String, Long> rows = previousRows;
    if (rows == null) {
      synchronized (this) {
        rows = previousRows;
        if (rows == null) {
          Map<String, Long> loaded = new HashMap<>();
          store.forEachPartitionState(target, s -> {
            if (s.everSucceeded() && s.rows() >= 0) {
              loaded.put(s.key(), s.rows());
            }
          });
          previousRows = rows = loaded;
        }
      }
    }
    long sum = 0;
    for (Partition p : slice.partitions()) {
      Long r = rows.get(p.key().value());
      if (r == null) {
        return OptionalLong.empty();
      }
      sum += r;
    }
    return OptionalLong.of(sum);
  }
}
