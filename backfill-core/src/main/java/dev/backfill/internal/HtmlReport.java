package dev.backfill.internal;

import com.google.common.escape.Escaper;
import com.google.common.html.HtmlEscapers;
import dev.backfill.CostEstimate;
import dev.backfill.Progress;
import dev.backfill.RunDetails;
import dev.backfill.RunSummary;
import dev.backfill.SliceHistory;
import dev.backfill.SliceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The run report as one self-contained HTML document (inline CSS and SVG, no script, no network):
 * summary, options, plan, a timeline of attempts per worker, a duration chart with skew outliers,
 * the slice table with attempts, errors, checks and log excerpts. Every value from the store passes
 * through {@link #esc}: partition keys, errors and log lines are user data.
 *
 * <p>A run of more than {@value ShownSlices#ALL_UP_TO} slices is capped, not streamed: the timeline,
 * the duration chart and the slice table show the first {@value ShownSlices#FIRST} slices, up to
 * {@value ShownSlices#NOTABLE} failed or running ones and the slowest, and a line
 * ({@code id="not-shown"}) says how many more are not shown; the counts and progress cover every
 * slice. The run's slices are walked twice (progress, then the selection), one page at a time.
 */
public final class HtmlReport {
  private static final Escaper HTML = HtmlEscapers.htmlEscaper();
  private static final int CHART_WIDTH = 960;
  private static final String CSS = """
      body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}
      h1{font-size:20px}h2{font-size:16px;margin-top:28px}
      table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
      th{background:#f3f3f3}.num{text-align:right}pre{background:#f7f7f7;padding:6px;white-space:pre-wrap;max-width:1100px}
      .SUCCEEDED{color:#1a7f37}.FAILED,.FAILED_CHECK,.STALLED{color:#c0392b}.CANCELLED,.SKIPPED{color:#8a6d00}
      .RUNNING{color:#1f6feb}.counts span{display:inline-block;margin-right:14px}
      rect.SUCCEEDED{fill:#2da44e}rect.FAILED,rect.FAILED_CHECK{fill:#cf222e}rect.CANCELLED{fill:#bf8700}
      rect.RUNNING{fill:#1f6feb}rect.bar{fill:#8c959f}rect.outlier{fill:#cf222e}
      """;

  private HtmlReport() {}

  /**
   * Renders the report.
   *
   * @param d the run
   * @return the HTML document
   */
  public static String render(RunDetails d) {
    return render(d, "", "");
  }

  /**
   * Renders the report with extra markup from a page that embeds it (the run page's refresh and cancel
   * controls); the extras are inserted as they are.
   *
   * @param d the run
   * @param head markup for the document's head
   * @param top markup placed under the title
   * @return the HTML document
   */
  public static String render(RunDetails d, String head, String top) {
    RunSummary s = d.summary();
    Progress p = d.progress();
    StringBuilder h = new StringBuilder(16_384);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Backfill run ").append(esc(s.runId())).append("</title><style>").append(CSS).append("</style>")
        .append(head).append("</head><body>\n");
    h.append("<h1>Run <span id=\"run-id\">").append(esc(s.runId())).append("</span> of ").append(esc(s.target()))
        .append(": <span id=\"run-state\" class=\"").append(esc(s.state())).append("\">").append(esc(s.state()))
        .append("</span></h1>\n").append(top);
    ShownSlices<SliceHistory> shown = ShownSlices.of(d, p);
    counts(h, s, p);
    facts(h, d);
    if (shown.notShown() > 0) {
      h.append("<p id=\"not-shown\">").append(esc(shown.notShownLine())).append("</p>\n");
    }
    h.append("<h2>Timeline per worker</h2>\n");
    timeline(h, d, shown.slices());
    h.append("<h2>Duration per slice</h2>\n");
    durations(h, shown.slices(), p);
    h.append("<h2>Slices</h2>\n");
    slices(h, shown.slices(), p);
    if (shown.notShown() > 0) {
      h.append("<p class=\"not-shown\">").append(esc(shown.notShownLine())).append("</p>\n");
    }
    h.append("<h2>Plan</h2>\n<pre id=\"plan\">").append(esc(d.planDescription())).append("</pre>\n");
    h.append("</body></html>\n");
    return h.toString();
  }

  /**
   * Escapes text for HTML element content and attribute values.
   *
   * @param text any text, or null
   * @return the escaped text ("" for null)
   */
  public static String esc(@Nullable Object text) {
    return text == null ? "" : HTML.escape(text.toString());
  }

  private static void counts(StringBuilder h, RunSummary s, Progress p) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("total", p.total());
    c.put("done", p.done());
    c.put("succeeded", p.succeeded());
    c.put("failed", p.failed());
    c.put("running", p.running());
    c.put("remaining", p.remaining());
    c.put("cancelled", p.cancelled());
    c.put("skipped", p.skipped());
    c.put("retries", p.retries());
    c.put("rows", String.format(Locale.ROOT, "%,d", p.rows()));
    h.append("<p class=\"counts\">");
    c.forEach((k, v) -> h.append("<span>").append(k).append(": <b id=\"count-").append(k).append("\">").append(esc(v))
        .append("</b></span>"));
    h.append("</p>\n<p id=\"progress\">").append(esc(p.describe())).append("</p>\n");
  }

  private static void facts(StringBuilder h, RunDetails d) {
    RunSummary s = d.summary();
    Map<String, String> f = new LinkedHashMap<>();
    f.put("status in store", s.status().name());
    if (s.stalledSince() != null) {
      f.put("stalled since", s.stalledSince() + " (no heartbeat, every lease expired: resume or mark failed)");
    }
    f.put("guarantee", s.guarantee().name());
    f.put("logic version", s.logicVersion());
    f.put("started by", s.startedBy());
    f.put("environment", d.environment());
    f.put("java", d.java());
    f.put("created", s.createdAt().toString());
    f.put("finished", s.finishedAt() == null ? "" : s.finishedAt().toString());
    if (d.cancelRequest() != null) {
      f.put("cancel requested", d.cancelRequest().mode() + " by " + d.cancelRequest().requestedBy() + " at "
          + d.cancelRequest().requestedAt());
    }
    f.put("message", s.message());
    d.options().forEach((k, v) -> f.put("option " + k, v));
    h.append("<table id=\"facts\">");
    f.forEach((k, v) -> h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>"));
    h.append("</table>\n");
  }

  /** One row per worker; one bar per finished attempt (and the running one) on a shared time axis. */
  private static void timeline(StringBuilder h, RunDetails d, List<SliceHistory> slices) {
    record Bar(String key, int attempt, SliceStatus status, Instant from, Instant to) {}
    Map<String, List<Bar>> byWorker = new TreeMap<>();
    for (SliceHistory s : slices) {
      for (SliceHistory.Attempt a : s.attempts()) {
        if (a.startedAt() != null) {
          byWorker.computeIfAbsent(a.worker(), w -> new ArrayList<>())
              .add(new Bar(s.key(), a.number(), a.status(), a.startedAt(), a.finishedAt()));
        }
      }
      if (s.status() == SliceStatus.RUNNING && s.startedAt() != null && s.worker() != null) {
        byWorker.computeIfAbsent(s.worker(), w -> new ArrayList<>())
            .add(new Bar(s.key(), 0, SliceStatus.RUNNING, s.startedAt(), d.readAt()));
      }
    }
    List<Bar> all = byWorker.values().stream().flatMap(List::stream).toList();
    if (all.isEmpty()) {
      h.append("<p>No attempt has finished yet.</p>\n");
      return;
    }
    Instant t0 = all.stream().map(Bar::from).min(Instant::compareTo).orElseThrow();
    Instant t1 = all.stream().map(Bar::to).max(Instant::compareTo).orElseThrow();
    double span = Math.max(1, Duration.between(t0, t1).toMillis());
    int label = 220;
    double scale = (CHART_WIDTH - label) / span;
    int rowHeight = 18;
    // A worker process runs several slices at once: each gets a lane, the first free one.
    List<List<List<Bar>>> lanesByWorker = new ArrayList<>();
    int rows = 0;
    for (List<Bar> bars : byWorker.values()) {
      List<List<Bar>> lanes = new ArrayList<>();
      bars.stream().sorted((a, b) -> a.from().compareTo(b.from())).forEach(bar -> {
        List<Bar> free = lanes.stream().filter(l -> !l.get(l.size() - 1).to().isAfter(bar.from())).findFirst()
            .orElseGet(() -> {
              List<Bar> lane = new ArrayList<>();
              lanes.add(lane);
              return lane;
            });
        free.add(bar);
      });
      lanesByWorker.add(lanes);
      rows += lanes.size();
    }
    h.append("<svg id=\"timeline\" width=\"").append(CHART_WIDTH).append("\" height=\"")
        .append(rows * rowHeight + 20).append("\" role=\"img\">");
    int row = 0;
    int w = 0;
    for (String worker : byWorker.keySet()) {
      h.append("<text x=\"0\" y=\"").append(row * rowHeight + 13).append("\" font-size=\"11\">")
          .append(esc(shorten(worker, 34))).append("</text>");
      for (List<Bar> lane : lanesByWorker.get(w++)) {
        int y = row * rowHeight;
        for (Bar b : lane) {
          double x = label + Duration.between(t0, b.from()).toMillis() * scale;
          double width = Math.max(1, Duration.between(b.from(), b.to()).toMillis() * scale);
          h.append(String.format(Locale.ROOT, "<rect class=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\">",
              b.status().name(), x, y + 2, width, rowHeight - 4))
              .append("<title>").append(esc(b.key() + (b.attempt() > 0 ? " attempt " + b.attempt() : "") + " "
                  + b.status() + " " + millis(Duration.between(b.from(), b.to())))).append("</title></rect>");
        }
        row++;
      }
    }
    h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>", label,
        row * rowHeight + 14, esc(t0.toString())));
    h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>",
        CHART_WIDTH, row * rowHeight + 14, esc("+" + millis(Duration.between(t0, t1)))));
    h.append("</svg>\n");
  }

  /** One bar per finished slice in index order; outliers (over 3 × the median) in red. */
  private static void durations(StringBuilder h, List<SliceHistory> slices, Progress p) {
    List<SliceHistory> done = slices.stream().filter(s -> s.duration().isPresent()).toList();
    if (done.isEmpty()) {
      h.append("<p>No slice has finished yet.</p>\n");
      return;
    }
    Set<String> outliers = p.outliers().stream().map(Progress.Outlier::sliceKey).collect(Collectors.toSet());
    long max = done.stream().mapToLong(s -> s.duration().orElseThrow().toMillis()).max().orElse(1);
    int height = 120;
    double w = Math.max(1, (double) CHART_WIDTH / done.size());
    h.append("<svg id=\"durations\" width=\"").append(CHART_WIDTH).append("\" height=\"").append(height + 4)
        .append("\" role=\"img\">");
    for (int i = 0; i < done.size(); i++) {
      SliceHistory s = done.get(i);
      long ms = s.duration().orElseThrow().toMillis();
      double bh = Math.max(1, (double) ms / Math.max(1, max) * height);
      h.append(String.format(Locale.ROOT, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">",
          outliers.contains(s.key()) ? "outlier" : "bar", i * w, height - bh, Math.max(0.5, w - 1), bh))
          .append("<title>").append(esc(s.key() + ": " + millis(Duration.ofMillis(ms)))).append("</title></rect>");
    }
    h.append("</svg>\n<p>p50 ").append(esc(p.p50().map(HtmlReport::millis).orElse("-"))).append(", p95 ")
        .append(esc(p.p95().map(HtmlReport::millis).orElse("-"))).append(", max ")
        .append(esc(millis(Duration.ofMillis(max)))).append(". Skew outliers (over 3 × the median): <span id=\"outliers\">");
    h.append(p.outliers().isEmpty() ? "none" : esc(p.outliers().stream()
        .map(o -> o.sliceKey() + String.format(Locale.ROOT, " (%.1f×%s)", o.timesMedian(), o.running() ? ", running" : ""))
        .collect(Collectors.joining(", "))));
    h.append("</span></p>\n");
  }

  private static void slices(StringBuilder h, List<SliceHistory> slices, Progress p) {
    Set<String> outliers = p.outliers().stream().map(Progress.Outlier::sliceKey).collect(Collectors.toSet());
    h.append("<table id=\"slices\"><tr><th>#</th><th>slice</th><th>status</th><th>attempts</th><th>retries</th>")
        .append("<th>worker</th><th>started</th><th>duration</th><th class=\"num\">rows</th><th>error</th>")
        .append("<th>checks</th><th>log</th></tr>\n");
    for (SliceHistory s : slices) {
      h.append("<tr class=\"slice\" data-key=\"").append(esc(s.key())).append("\"><td class=\"num\">").append(s.index())
          .append("</td><td class=\"key\">").append(esc(s.key())).append("</td><td class=\"status ")
          .append(esc(s.status().name())).append("\">").append(esc(s.status().name())).append("</td><td class=\"num\">")
          .append(s.attempts().size()).append("</td><td class=\"num\">").append(s.retries()).append("</td><td>")
          .append(esc(s.worker())).append("</td><td>").append(esc(s.startedAt())).append("</td><td class=\"num")
          .append(outliers.contains(s.key()) ? " FAILED" : "").append("\">")
          .append(esc(s.duration().map(HtmlReport::millis).orElse(""))).append("</td><td class=\"num\">")
          .append(String.format(Locale.ROOT, "%,d", s.rows())).append("</td><td class=\"error\">").append(esc(s.error()))
          .append("</td><td>").append(esc(String.join("\n", s.checks()))).append("</td><td>");
      attempts(h, s);
      h.append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static void attempts(StringBuilder h, SliceHistory s) {
    boolean anyLog = s.attempts().stream().anyMatch(a -> a.logExcerpt() != null) || s.logExcerpt() != null;
    if (s.attempts().isEmpty() && !anyLog) {
      return;
    }
    h.append("<details><summary>").append(anyLog ? "attempts and log" : "attempts").append("</summary>");
    for (SliceHistory.Attempt a : s.attempts()) {
      h.append("<p>attempt ").append(a.number()).append(": ").append(esc(a.status().name())).append(" on ")
          .append(esc(a.worker())).append(", ").append(esc(a.duration().map(HtmlReport::millis).orElse("?")))
          .append(a.error() == null ? "" : ", " + esc(a.error())).append("</p>");
      if (a.logExcerpt() != null) {
        h.append("<pre class=\"log\">").append(esc(a.logExcerpt())).append("</pre>");
      }
    }
    if (s.status() == SliceStatus.RUNNING && s.logExcerpt() != null) {
      h.append("<pre class=\"log\">").append(esc(s.logExcerpt())).append("</pre>");
    }
    h.append("</details>");
  }

  private static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  private static String millis(Duration d) {
    return d.toMillis() < 10_000 ? d.toMillis() + " ms" : CostEstimate.human(d);
  }

  /**
   * Formats an optional duration for tables.
   *
   * @param d the duration
   * @return e.g. {@code 250 ms}, {@code 1m30s}, or "" when absent
   */
  public static String duration(Optional<Duration> d) {
    return d.map(HtmlReport::millis).orElse("");
  }
}
