package dev.backfill.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backfill.Progress;
import dev.backfill.RunDetails;
import dev.backfill.RunReport;
import dev.backfill.RunSummary;
import dev.backfill.SliceHistory;
import dev.backfill.SliceReport;
import dev.backfill.SliceStatus;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * JSON (Jackson trees) of the operator's view: run summaries, run details with slices, attempts and
 * log excerpts, progress snapshots and run reports. Instants are ISO-8601 strings, durations are
 * milliseconds, absent values are null. The CLI and the run page serve these same shapes.
 *
 * <p>Run details list the slices {@link ShownSlices} selects: all of a run of up to
 * {@value ShownSlices#ALL_UP_TO} slices; of a bigger one, the first, the failed or running and the
 * slowest, with {@code slicesNotShown} telling how many are left out (0 when none). A run report's
 * text is capped the same way; {@link #write(RunReport, Writer)} streams every slice of it instead.
 */
public final class ReportJson {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportJson() {}

  /**
   * Writes a run's details.
   *
   * @param d the details
   * @return JSON text
   */
  public static String write(RunDetails d) {
    return text(details(d));
  }

  /**
   * Writes a list of runs.
   *
   * @param runs summaries
   * @return JSON text: an array
   */
  public static String write(List<RunSummary> runs) {
    ArrayNode a = JSON.createArrayNode();
    runs.forEach(r -> a.add(summary(r)));
    return text(a);
  }

  /**
   * Writes a run report, capped as {@link ShownSlices} caps run details: its counts cover every slice,
   * its {@code slices} are those selected, {@code slicesNotShown} tells how many are left out.
   *
   * @param r the report
   * @return JSON text
   */
  public static String write(RunReport r) {
    ShownSlices<SliceReport> shown = ShownSlices.of(r);
    StringWriter out = new StringWriter();
    write(r, shown.slices(), shown.notShown(), out);
    return out.toString();
  }

  /**
   * Streams a run report with every slice, one slice object at a time as it walks the report's
   * slices (page by page for a big run), so that nothing but the page in hand is held; the same shape
   * as {@link #write(RunReport)} with {@code slicesNotShown} 0.
   *
   * @param r the report
   * @param out where the JSON goes; flushed, not closed
   * @throws UncheckedIOException when {@code out} fails
   */
  public static void write(RunReport r, Writer out) {
    write(r, r.slices(), 0, out);
  }

  private static void write(RunReport r, Iterable<SliceReport> slices, int notShown, Writer out) {
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      // The caller's writer stays open; the generator only flushes it.
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("runId", r.runId());
      g.writeStringField("target", r.target());
      g.writeStringField("status", r.status().name());
      g.writeStringField("guarantee", r.guarantee().name());
      g.writeStringField("startedAt", iso(r.startedAt()));
      g.writeStringField("finishedAt", iso(r.finishedAt()));
      g.writeNumberField("durationMillis", r.duration().toMillis());
      g.writeNumberField("rows", r.rows());
      g.writeStringField("message", r.message());
      g.writeObjectFieldStart("counts");
      for (Map.Entry<SliceStatus, Integer> c : r.counts().entrySet()) {
        g.writeNumberField(c.getKey().name(), c.getValue());
      }
      g.writeEndObject();
      g.writeNumberField("slicesNotShown", notShown);
      g.writeArrayFieldStart("slices");
      for (SliceReport s : slices) {
        g.writeStartObject();
        g.writeNumberField("index", s.index());
        g.writeStringField("key", s.key());
        g.writeStringField("status", s.status().name());
        g.writeNumberField("attempts", s.attempts());
        g.writeNumberField("rows", s.rows());
        g.writeFieldName("durationMillis");
        Long millis = millis(s.duration());
        if (millis == null) {
          g.writeNull();
        } else {
          g.writeNumber(millis);
        }
        g.writeStringField("error", s.error());
        g.writeArrayFieldStart("checks");
        for (String check : s.checks()) {
          g.writeString(check);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report of run " + r.runId() + " as JSON: " + e.getMessage(), e);
    }
  }

  static ObjectNode details(RunDetails d) {
    ObjectNode n = summary(d.summary());
    n.put("environment", d.environment());
    n.put("java", d.java());
    ObjectNode options = n.putObject("options");
    d.options().forEach(options::put);
    if (d.cancelRequest() != null) {
      ObjectNode c = n.putObject("cancelRequest");
      c.put("mode", d.cancelRequest().mode().name());
      c.put("requestedAt", iso(d.cancelRequest().requestedAt()));
      c.put("requestedBy", d.cancelRequest().requestedBy());
    } else {
      n.putNull("cancelRequest");
    }
    n.put("readAt", iso(d.readAt()));
    n.put("rows", d.rows());
    n.put("retries", d.retries());
    Progress p = d.progress();
    n.set("progress", progress(p));
    ShownSlices<SliceHistory> shown = ShownSlices.of(d, p);
    n.put("slicesNotShown", shown.notShown());
    ArrayNode slices = n.putArray("slices");
    for (SliceHistory s : shown.slices()) {
      ObjectNode o = slices.addObject();
      o.put("index", s.index());
      o.put("key", s.key());
      strings(o.putArray("partitions"), s.partitions());
      o.put("status", s.status().name());
      o.put("worker", s.worker());
      o.put("startedAt", iso(s.startedAt()));
      o.put("finishedAt", iso(s.finishedAt()));
      o.put("leaseUntil", iso(s.leaseUntil()));
      o.put("durationMillis", millis(s.duration()));
      o.put("rows", s.rows());
      o.put("retries", s.retries());
      o.put("error", s.error());
      strings(o.putArray("checks"), s.checks());
      o.put("logExcerpt", s.logExcerpt());
      ArrayNode attempts = o.putArray("attempts");
      for (SliceHistory.Attempt a : s.attempts()) {
        ObjectNode t = attempts.addObject();
        t.put("attempt", a.number());
        t.put("worker", a.worker());
        t.put("status", a.status().name());
        t.put("startedAt", iso(a.startedAt()));
        t.put("finishedAt", iso(a.finishedAt()));
        t.put("durationMillis", millis(a.duration()));
        t.put("rows", a.rows());
        t.put("error", a.error());
        t.put("logExcerpt", a.logExcerpt());
      }
    }
    return n;
  }

  static ObjectNode summary(RunSummary r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("runId", r.runId());
    n.put("target", r.target());
    n.put("status", r.status().name());
    n.put("state", r.state());
    n.put("stalledSince", iso(r.stalledSince()));
    n.put("logicVersion", r.logicVersion());
    n.put("guarantee", r.guarantee().name());
    n.put("slices", r.slices());
    n.put("done", r.done());
    ObjectNode counts = n.putObject("counts");
    r.counts().forEach((k, v) -> counts.put(k.name(), v));
    n.put("createdAt", iso(r.createdAt()));
    n.put("finishedAt", iso(r.finishedAt()));
    n.put("startedBy", r.startedBy());
    n.put("message", r.message());
    return n;
  }

  static ObjectNode progress(Progress p) {
    ObjectNode n = JSON.createObjectNode();
    n.put("total", p.total());
    n.put("done", p.done());
    n.put("succeeded", p.succeeded());
    n.put("failed", p.failed());
    n.put("running", p.running());
    n.put("remaining", p.remaining());
    n.put("cancelled", p.cancelled());
    n.put("skipped", p.skipped());
    n.put("retries", p.retries());
    n.put("rows", p.rows());
    n.put("elapsedMillis", p.elapsed().toMillis());
    n.put("slicesPerSecond", p.slicesPerSecond());
    n.put("rowsPerSecond", p.rowsPerSecond());
    n.put("etaMillis", millis(p.eta()));
    n.put("p50Millis", millis(p.p50()));
    n.put("p95Millis", millis(p.p95()));
    ArrayNode outliers = n.putArray("outliers");
    for (Progress.Outlier o : p.outliers()) {
      ObjectNode t = outliers.addObject();
      t.put("key", o.sliceKey());
      t.put("durationMillis", o.duration().toMillis());
      t.put("timesMedian", o.timesMedian());
      t.put("running", o.running());
    }
    return n;
  }

  private static void strings(ArrayNode a, List<String> values) {
    values.forEach(a::add);
  }

  private static @Nullable String iso(@Nullable Instant t) {
    return t == null ? null : t.toString();
  }

  private static @Nullable Long millis(Optional<Duration> d) {
    return d.map(Duration::toMillis).orElse(null);
  }

  private static String text(Object tree) {
    try {
      return JSON.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
