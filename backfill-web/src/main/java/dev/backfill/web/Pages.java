package dev.backfill.web;

import static dev.backfill.web.Routes.encode;
import static dev.backfill.web.Routes.esc;

import dev.backfill.RunDetails;
import dev.backfill.RunStatus;
import dev.backfill.RunSummary;
import dev.backfill.SliceStatus;
import java.util.List;

/** The run page's own markup: the runs list and the live controls above a run's report. */
final class Pages {
  private static final String SCRIPT = """
      (function () {
        var m = location.hash.match(/token=([^&]+)/);
        if (m) { sessionStorage.setItem('backfill-token', decodeURIComponent(m[1])); }
        document.addEventListener('DOMContentLoaded', function () {
          var t = sessionStorage.getItem('backfill-token') || '';
          document.querySelectorAll('input[name=token]').forEach(function (i) { if (!i.value) { i.value = t; } });
          var live = document.getElementById('live');
          if (live && live.getAttribute('data-live') === 'true') {
            setInterval(function () {
              var a = document.activeElement;
              if (!a || a.tagName !== 'INPUT') { location.reload(); }
            }, 2000);
          }
        });
      })();
      """;

  private Pages() {}

  /** The script that keeps the token from the URL fragment and reloads a live page every 2 s. */
  static String refreshScript(String nonce) {
    return "<script nonce=\"" + nonce + "\">" + SCRIPT + "</script>";
  }

  /** Links, the live marker and, for a run that is still going, the cancel buttons. */
  static String controls(RunDetails d) {
    RunSummary s = d.summary();
    boolean live = s.status() == RunStatus.RUNNING || s.status() == RunStatus.FINISHING;
    String id = encode(s.runId());
    StringBuilder h = new StringBuilder();
    h.append("<div id=\"live\" data-live=\"").append(live && !s.stalled()).append("\"><p><a href=\"/\">all runs</a> · ")
        .append("<a href=\"/runs/").append(id).append("/report.html\">report</a> · <a href=\"/api/runs/").append(id)
        .append("\">JSON</a>").append(live && !s.stalled() ? " · refreshes every 2 s" : "").append("</p>");
    if (live) {
      h.append("<form method=\"post\" action=\"/runs/").append(id).append("/cancel\" id=\"cancel-form\">")
          .append("<label>access token <input type=\"password\" name=\"token\" id=\"token\" autocomplete=\"off\"></label> ")
          .append("<button type=\"submit\" name=\"mode\" value=\"GRACEFUL\" id=\"cancel-graceful\">Cancel (graceful)</button> ")
          .append("<button type=\"submit\" name=\"mode\" value=\"IMMEDIATE\" id=\"cancel-immediate\">Cancel (immediate)</button>")
          .append("</form>");
    }
    if (d.cancelRequest() != null) {
      h.append("<p id=\"cancel-requested\">cancel requested (").append(esc(d.cancelRequest().mode())).append(") by ")
          .append(esc(d.cancelRequest().requestedBy())).append(" at ").append(esc(d.cancelRequest().requestedAt()))
          .append("</p>");
    }
    return h.append("</div>\n").toString();
  }

  /** The runs list, newest first. */
  static String runs(List<RunSummary> runs, String nonce) {
    StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Backfill runs</title><style>body{font:14px/1.4 system-ui,sans-serif;margin:24px}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}")
        .append(".STALLED,.FAILED{color:#c0392b}.SUCCEEDED{color:#1a7f37}.RUNNING{color:#1f6feb}</style>")
        .append(refreshScript(nonce)).append("</head><body><h1>Backfill runs</h1>")
        .append("<div id=\"live\" data-live=\"").append(runs.stream().anyMatch(r -> r.status() == RunStatus.RUNNING))
        .append("\"></div><table id=\"runs\"><tr><th>run</th><th>target</th><th>state</th><th>done / total</th>")
        .append("<th>failed</th><th>created</th><th>finished</th><th>started by</th><th>message</th></tr>\n");
    for (RunSummary r : runs) {
      h.append("<tr class=\"run\"><td><a href=\"/runs/").append(encode(r.runId())).append("\">").append(esc(r.runId()))
          .append("</a></td><td>").append(esc(r.target())).append("</td><td class=\"").append(esc(r.state()))
          .append("\">").append(esc(r.state())).append(r.stalled() ? " since " + esc(r.stalledSince()) : "")
          .append("</td><td>").append(r.done()).append(" / ").append(r.slices()).append("</td><td>")
          .append(r.count(SliceStatus.FAILED) + r.count(SliceStatus.FAILED_CHECK)).append("</td><td>")
          .append(esc(r.createdAt())).append("</td><td>").append(esc(r.finishedAt())).append("</td><td>")
          .append(esc(r.startedBy())).append("</td><td>").append(esc(r.message())).append("</td></tr>\n");
    }
    if (runs.isEmpty()) {
      h.append("<tr><td colspan=\"9\">no runs yet</td></tr>");
    }
    return h.append("</table></body></html>\n").toString();
  }
}
