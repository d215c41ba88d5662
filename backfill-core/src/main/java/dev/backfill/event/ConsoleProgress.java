package dev.backfill.event;

import dev.backfill.CostEstimate;
import dev.backfill.Progress;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jspecify.annotations.Nullable;

/**
 * A console progress bar for long runs, drawn by {@code me.tongfei:progressbar} from the run's
 * {@link BackfillEvent.ProgressUpdated} events: slices done of total, failed, retried, rows and the
 * run's own ETA (which accounts for concurrency, rate limits and retry backoff). It switches itself off
 * when the output is not a terminal or when the {@code CI} environment variable is set, so logs stay
 * clean. Add {@code me.tongfei:progressbar} to your dependencies (an optional dependency of core).
 *
 * <pre>{@code
 * backfill.execute(plan, ExecutionOptions.builder().listener(new ConsoleProgress()).build()).await();
 * // mart.daily_revenue  61% [=========>      ] 55/90 (0:00:12 / 0:00:08) 1 failed, 1 retried, 12,345 rows
 * }</pre>
 */
public final class ConsoleProgress implements BackfillListener {
  private final @Nullable PrintStream out;
  private @Nullable ProgressBar bar;
  private volatile Optional<Duration> eta = Optional.empty();

  /** A bar on standard error, drawn only on a terminal outside CI. */
  public ConsoleProgress() {
    this(System.console() != null && System.getenv("CI") == null ? System.err : null);
  }

  private ConsoleProgress(@Nullable PrintStream out) {
    this.out = out;
  }

  /**
   * A bar drawn on a stream whatever it is (for tests and tools that manage their own output).
   *
   * @param out where to draw
   * @return the listener
   */
  public static ConsoleProgress to(PrintStream out) {
    return new ConsoleProgress(out);
  }

  /**
   * Tells whether this listener draws anything.
   *
   * @return false when switched off (not a terminal, or in CI)
   */
  public boolean enabled() {
    return out != null;
  }

  @Override
  public synchronized void onEvent(BackfillEvent event) {
    if (out == null) {
      return;
    }
    if (event instanceof BackfillEvent.RunStarted started) {
      bar = new ProgressBarBuilder().setTaskName(started.target()).setInitialMax(started.slices())
          .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(out, 120))
          .setUpdateIntervalMillis(250).setEtaFunction(state -> eta).build();
    } else if (event instanceof BackfillEvent.ProgressUpdated updated && bar != null) {
      Progress p = updated.progress();
      eta = p.eta();
      bar.maxHint(p.total());
      bar.stepTo(p.done());
      bar.setExtraMessage(String.format(Locale.ROOT, "%d failed, %d retried, %,d rows%s", p.failed(), p.retries(),
          p.rows(), p.eta().map(d -> ", ETA " + CostEstimate.human(d)).orElse("")));
    } else if (event instanceof BackfillEvent.RunFinished finished && bar != null) {
      bar.stepTo(finished.report().slices().size() - finished.report().count(dev.backfill.SliceStatus.PENDING));
      bar.close();
      bar = null;
    }
  }
}
