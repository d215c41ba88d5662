package dev.backfill;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.TreeMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What a writer measured about the records of one slice, on which {@link SliceCheck}s are evaluated
 * before the slice commits.
 *
 * @param rows records written
 * @param nulls for every column seen, the number of null values (0 when none)
 * @param metrics custom figures a writer or source reports (e.g. bytes, distinct keys)
 */
public record SliceStats(long rows, Map<String, Long> nulls, Map<String, Double> metrics) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Stats of a slice that wrote nothing. */
  public static final SliceStats EMPTY = new SliceStats(0, Map.of(), Map.of());

  /**
   * Creates stats.
   *
   * @param rows records written
   * @param nulls null count per column seen
   * @param metrics custom figures
   */
  public SliceStats {
    if (rows < 0) {
      throw new IllegalArgumentException("rows must be >= 0, got " + rows);
    }
    nulls = Map.copyOf(nulls);
    metrics = Map.copyOf(metrics);
  }

  /**
   * Creates stats with a row count only.
   *
   * @param rows records written
   * @return the stats
   */
  public static SliceStats ofRows(long rows) {
    return new SliceStats(rows, Map.of(), Map.of());
  }

  /**
   * Returns the share of null values in a column.
   *
   * @param column column name
   * @return the rate in [0, 1]; empty when the column was not seen in a non-empty slice
   */
  public OptionalDouble nullRate(String column) {
    if (rows == 0) {
      return OptionalDouble.of(0);
    }
    Long n = nulls.get(column);
    return n == null ? OptionalDouble.empty() : OptionalDouble.of((double) n / rows);
  }

  /**
   * Adds another slice's stats (used for run-level checks).
   *
   * @param other stats to add
   * @return the sums
   */
  public SliceStats plus(SliceStats other) {
    Map<String, Long> n = new java.util.HashMap<>(nulls);
    other.nulls.forEach((k, v) -> n.merge(k, v, Long::sum));
    Map<String, Double> m = new java.util.HashMap<>(metrics);
    other.metrics.forEach((k, v) -> m.merge(k, v, Double::sum));
    return new SliceStats(rows + other.rows, n, m);
  }

  /**
   * Writes the stats as JSON, as state stores keep them with a slice so that a resumed run is judged
   * on all its slices: {@code {"rows":3,"nulls":{"id":0},"metrics":{}}}.
   *
   * @return the JSON text
   */
  public String toJson() {
    // streamed, not built as a tree: every slice's end writes its stats
    StringWriter out = new StringWriter(64);
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("rows", rows);
      g.writeObjectFieldStart("nulls");
      for (Map.Entry<String, Long> e : new TreeMap<>(nulls).entrySet()) {
        g.writeNumberField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      g.writeObjectFieldStart("metrics");
      for (Map.Entry<String, Double> e : new TreeMap<>(metrics).entrySet()) {
        g.writeNumberField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write slice stats as JSON", e);
    }
    return out.toString();
  }

  /**
   * Reads stats written by {@link #toJson()}.
   *
   * @param json the JSON text
   * @return the stats
   * @throws IllegalArgumentException when the text is not such JSON
   */
  public static SliceStats fromJson(String json) {
    try {
      JsonNode node = JSON.readTree(json);
      Map<String, Long> n = new java.util.HashMap<>();
      node.path("nulls").fields().forEachRemaining(e -> n.put(e.getKey(), e.getValue().asLong()));
      Map<String, Double> m = new java.util.HashMap<>();
      node.path("metrics").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asDouble()));
      return new SliceStats(node.path("rows").asLong(), n, m);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("slice stats are not valid JSON: " + json, e);
    }
  }
}
