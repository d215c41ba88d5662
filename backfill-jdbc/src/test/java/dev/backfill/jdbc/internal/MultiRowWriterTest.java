package dev.backfill.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Row;
import dev.backfill.jdbc.dialect.MultiRowSql;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a batch is cut into multi-row statements: by rows, by bytes, never an empty statement. */
class MultiRowWriterTest {

  static List<Row> rows(int n, int textLength) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(Row.of("id", (long) i, "val", "x".repeat(textLength)));
    }
    return rows;
  }

  static List<Integer> cuts(List<Row> rows, int maxRows, long maxBytes) {
    List<Integer> ends = new ArrayList<>();
    for (int start = 0; start < rows.size(); ) {
      start = MultiRowWriter.chunkEnd(rows, start, maxRows, maxBytes);
      ends.add(start);
    }
    return ends;
  }

  @Test
  void aBatchIsCutAtTheRowLimitInOrder() {
    assertThat(cuts(rows(10, 1), 4, Long.MAX_VALUE)).containsExactly(4, 8, 10);
  }

  @Test
  void aBatchIsCutBeforeTheRowThatWouldPassTheByteLimit() {
    long perRow = MultiRowSql.bytes(1L) + MultiRowSql.bytes("x".repeat(100));
    assertThat(perRow).isEqualTo(24 + 302);
    assertThat(cuts(rows(7, 100), 1000, 3 * perRow)).containsExactly(3, 6, 7);
    assertThat(cuts(rows(7, 100), 1000, 3 * perRow - 1)).containsExactly(2, 4, 6, 7);
  }

  @Test
  void aRowLargerThanTheByteLimitGoesAlone() {
    assertThat(cuts(rows(3, 100), 1000, 10)).containsExactly(1, 2, 3);
  }

  @Test
  void theParameterLimitBoundsTheRowsOfAStatement() {
    MultiRowSql sql = new MultiRowSql(new dev.backfill.jdbc.dialect.H2Dialect(), MultiRowSql.MAX_PARAMETERS, 1L << 20,
        (table, keys, update, newerBy) -> "");
    assertThat(sql.maxRows(5)).isEqualTo(13_107);
    assertThat(sql.maxRows(100_000)).isEqualTo(1);
    assertThat(sql.insert("t", List.of("a", "b"), 2)).isEqualTo("INSERT INTO t (\"A\", \"B\") VALUES (?, ?), (?, ?)");
  }
}
