package dev.backfill.cli;

import dev.backfill.CancelMode;
import dev.backfill.CostEstimate;
import dev.backfill.RunDetails;
import dev.backfill.RunFilter;
import dev.backfill.RunHistory;
import dev.backfill.RunStatus;
import dev.backfill.RunSummary;
import dev.backfill.SliceHistory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The subcommands of {@code backfill}. */
final class Commands {
  private Commands() {}

  /** Common parts: the store options and the output. */
  abstract static class Base implements Callable<Integer> {
    @Mixin
    BackfillCli.Store store;

    @Spec
    CommandSpec spec;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    @Override
    public Integer call() {
      try (BackfillCli.Opened opened = store.open()) {
        return run(opened.history());
      }
    }

    abstract int run(RunHistory history);
  }

  /** A command about one run. */
  abstract static class OnRun extends Base {
    @Parameters(index = "0", paramLabel = "RUN", description = "Run id.")
    String runId;
  }

  @Command(name = "runs", description = "List runs, newest first.")
  static final class Runs extends Base {
    @Option(names = "--target", description = "Only runs of this target.")
    @Nullable String target;

    @Option(names = "--status", split = ",", description = "Only runs with these statuses: ${COMPLETION-CANDIDATES}.")
    RunStatus[] statuses = new RunStatus[0];

    @Option(names = "--since", description = "Only runs created at or after this instant (2024-06-01T00:00:00Z).")
    @Nullable Instant since;

    @Option(names = "--page", defaultValue = "0", description = "Page number, from 0.")
    int page;

    @Option(names = "--size", defaultValue = "50", description = "Runs per page (1-1000).")
    int size;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    int run(RunHistory history) {
      List<RunSummary> runs = history.runs(RunFilter.all().target(target).status(statuses).createdSince(since)
          .page(page, size));
      if (json) {
        out().println(RunHistory.toJson(runs));
        return 0;
      }
      out().printf(Locale.ROOT, "%-32s %-24s %-10s %11s %7s %-24s %s%n", "RUN", "TARGET", "STATE", "DONE/TOTAL",
          "FAILED", "CREATED", "STARTED BY");
      for (RunSummary r : runs) {
        out().printf(Locale.ROOT, "%-32s %-24s %-10s %11s %7d %-24s %s%n", r.runId(), r.target(), r.state(),
            r.done() + "/" + r.slices(), r.count(dev.backfill.SliceStatus.FAILED)
                + r.count(dev.backfill.SliceStatus.FAILED_CHECK), r.createdAt(), r.startedBy());
      }
      if (runs.isEmpty()) {
        out().println("(no runs)");
      }
      return 0;
    }
  }

  @Command(name = "show", description = "Show a run: summary, progress and slices.")
  static final class Show extends OnRun {
    @Option(names = "--json", description = "Print JSON (with attempts and log excerpts) instead of text.")
    boolean json;

    @Override
    int run(RunHistory history) {
      RunDetails d = history.run(runId);
      if (json) {
        out().println(d.toJson());
        return 0;
      }
      RunSummary s = d.summary();
      PrintWriter o = out();
      o.println("run " + s.runId() + " of " + s.target() + ": " + s.state()
          + (s.stalled() ? " since " + s.stalledSince() + " (no live worker: resume it, or backfill mark-failed)" : ""));
      o.println("  created " + s.createdAt() + (s.finishedAt() == null ? "" : ", finished " + s.finishedAt())
          + (s.startedBy().isEmpty() ? "" : ", started by " + s.startedBy()));
      o.println("  " + s.guarantee() + ", logic version '" + s.logicVersion() + "', environment '" + d.environment() + "'");
      o.println("  progress: " + d.progress().describe());
      if (d.cancelRequest() != null) {
        o.println("  cancel requested: " + d.cancelRequest().mode() + " by " + d.cancelRequest().requestedBy()
            + " at " + d.cancelRequest().requestedAt());
      }
      if (!s.message().isEmpty()) {
        o.println("  " + s.message());
      }
      o.println();
      o.printf(Locale.ROOT, "%5s %-24s %-12s %8s %-28s %10s %10s  %s%n", "#", "SLICE", "STATUS", "ATTEMPTS", "WORKER",
          "DURATION", "ROWS", "ERROR");
      for (SliceHistory sl : d.slices()) {
        o.printf(Locale.ROOT, "%5d %-24s %-12s %8d %-28s %10s %,10d  %s%n", sl.index(), sl.key(), sl.status(),
            sl.attempts().size(), sl.worker() == null ? "" : sl.worker(),
            sl.duration().map(CostEstimate::human).orElse(""), sl.rows(), sl.error() == null ? "" : oneLine(sl.error()));
      }
      return 0;
    }
  }

  @Command(name = "logs", description = "Print the captured log lines of a slice, every attempt.")
  static final class Logs extends OnRun {
    @Parameters(index = "1", paramLabel = "PARTITION", description = "Slice key or one of its partition keys.")
    String partition;

    @Override
    int run(RunHistory history) {
      RunDetails d = history.run(runId);
      SliceHistory slice = d.slice(partition).orElseThrow(() -> new IllegalArgumentException("run " + runId
          + " has no slice covering '" + partition + "'; see backfill show " + runId));
      String log = slice.log();
      if (log.isEmpty()) {
        out().println("(no log lines captured for " + slice.key() + "; add the backfill-logging appender to the"
            + " application's log configuration)");
      } else {
        out().print(log);
      }
      return 0;
    }
  }

  @Command(name = "report", description = "Write a run's report: one self-contained HTML file, or JSON.")
  static final class Report extends OnRun {
    @Option(names = "--html", paramLabel = "FILE", description = "Write the HTML report here.")
    @Nullable Path html;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON report here.")
    @Nullable Path json;

    @Override
    int run(RunHistory history) {
      if (html == null && json == null) {
        throw new IllegalArgumentException("say where to write the report: --html FILE and/or --json FILE");
      }
      RunDetails d = history.run(runId);
      try {
        if (html != null) {
          java.nio.file.Files.writeString(html, d.toHtml());
          out().println("wrote " + html.toAbsolutePath());
        }
        if (json != null) {
          java.nio.file.Files.writeString(json, d.toJson());
          out().println("wrote " + json.toAbsolutePath());
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot write the report: " + e.getMessage(), e);
      }
      return 0;
    }
  }

  @Command(name = "cancel", description = "Ask every worker of a run, in any JVM, to stop.")
  static final class Cancel extends OnRun {
    @Option(names = "--immediate", description = "Roll running slices back instead of letting them finish.")
    boolean immediate;

    @Override
    int run(RunHistory history) {
      out().println(history.cancel(runId, immediate ? CancelMode.IMMEDIATE : CancelMode.GRACEFUL,
          BackfillCli.operator()));
      return 0;
    }
  }

  @Command(name = "mark-failed", description = "Mark a stalled run (no live worker) FAILED; resume stays possible.")
  static final class MarkFailed extends OnRun {
    @Override
    int run(RunHistory history) {
      RunSummary s = history.markFailed(runId, BackfillCli.operator());
      out().println("run " + s.runId() + " is " + s.status() + ": " + s.message());
      return 0;
    }
  }

  private static String oneLine(String text) {
    String line = text.replace('\n', ' ');
    return line.length() > 120 ? line.substring(0, 119) + "…" : line;
  }
}
