package dev.backfill.spi;

import dev.backfill.Row;
import dev.backfill.SliceStats;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Counts rows and nulls per column of the records a writer receives, for writers that do not measure
 * in the destination. {@link Row}s and {@link Map}s have their nulls counted per column; other
 * record types only count rows. Not thread-safe: one collector per writer.
 */
public final class SliceStatsCollector {
  private long rows;
  private final Map<String, long[]> nulls = new HashMap<>();
  private final Map<String, Double> metrics = new HashMap<>();
  private @Nullable List<String> lastColumns;
  private long[][] lastCounters = new long[0][];

  /**
   * Counts a batch of records.
   *
   * @param batch records
   */
  public void addAll(List<?> batch) {
    for (Object record : batch) {
      add(record);
    }
  }

  /**
   * Counts one record.
   *
   * @param record the record
   */
  public void add(Object record) {
    rows++;
    if (record instanceof Row row) {
      List<String> columns = row.columns();
      if (columns != lastColumns) {
        // Rows of one source share their column list: look the counters up once per list, not per value.
        lastColumns = columns;
        lastCounters = new long[columns.size()][];
        for (int i = 0; i < columns.size(); i++) {
          lastCounters[i] = nulls.computeIfAbsent(columns.get(i), c -> new long[1]);
        }
      }
      long[][] counters = lastCounters;
      for (int i = 0; i < counters.length; i++) {
        if (row.get(i) == null) {
          counters[i][0]++;
        }
      }
    } else if (record instanceof Map<?, ?> map) {
      map.forEach((k, v) -> count(String.valueOf(k), v == null));
    }
  }

  private void count(String column, boolean isNull) {
    long[] n = nulls.computeIfAbsent(column, c -> new long[1]);
    if (isNull) {
      n[0]++;
    }
  }

  /**
   * Adds to a custom metric.
   *
   * @param name metric name
   * @param value amount to add
   */
  public void addMetric(String name, double value) {
    metrics.merge(name, value, Double::sum);
  }

  /**
   * Returns the stats so far.
   *
   * @return the stats
   */
  public SliceStats stats() {
    Map<String, Long> n = new HashMap<>();
    nulls.forEach((k, v) -> n.put(k, v[0]));
    return new SliceStats(rows, n, metrics);
  }
}
