package dev.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A slice's stats as the state stores keep them: compact JSON, keys sorted, read back unchanged. */
class SliceStatsJsonTest {

  @Test
  void writesCompactSortedJsonAndReadsItBack() {
    SliceStats stats = new SliceStats(3, Map.of("z_col", 2L, "a\"quoted\\col", 1L, "zürich", 0L),
        Map.of("jdbc.staged_merge_rows", 300.0, "jdbc.partitions_replaced", 1.0, "ratio", 0.25));

    String json = stats.toJson();

    assertThat(json).isEqualTo("{\"rows\":3,\"nulls\":{\"a\\\"quoted\\\\col\":1,\"z_col\":2,\"zürich\":0},"
        + "\"metrics\":{\"jdbc.partitions_replaced\":1.0,\"jdbc.staged_merge_rows\":300.0,\"ratio\":0.25}}");
    assertThat(SliceStats.fromJson(json)).isEqualTo(stats);
  }

  @Test
  void writesEmptyStats() {
    SliceStats none = new SliceStats(0, Map.of(), Map.of());

    assertThat(none.toJson()).isEqualTo("{\"rows\":0,\"nulls\":{},\"metrics\":{}}");
    assertThat(SliceStats.fromJson(none.toJson())).isEqualTo(none);
  }
}
