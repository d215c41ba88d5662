package dev.backfill.logging;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import dev.backfill.BackfillRun;
import dev.backfill.spi.SliceLogs;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A Logback appender that keeps the last lines logged under a slice's MDC keys ({@code backfill.run},
 * {@code backfill.partition}) with the slice's attempt in the state store, for the run history, the
 * report, {@code backfill logs} and the run page. Lines are masked ({@code password=***}) and bounded
 * (see {@link SliceLogs}). Add it next to your other appenders:
 *
 * <pre>{@code
 * <appender name="BACKFILL" class="dev.backfill.logging.SliceLogbackAppender">
 *   <!-- optional; default: %d{HH:mm:ss.SSS} %-5level %logger{0} - %msg -->
 *   <pattern>%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n</pattern>
 * </appender>
 * <root level="INFO">
 *   <appender-ref ref="STDOUT"/>
 *   <appender-ref ref="BACKFILL"/>
 * </root>
 * }</pre>
 *
 * <p>The level that reaches the appender is what is captured: with {@code dev.backfill} at WARN, only
 * your own INFO lines and the library's warnings are kept.
 */
public final class SliceLogbackAppender extends AppenderBase<ILoggingEvent> {
  private @Nullable String pattern;
  private @Nullable PatternLayout layout;

  /** Creates the appender; Logback configures and starts it. */
  public SliceLogbackAppender() {}

  /**
   * Sets a Logback pattern for captured lines.
   *
   * @param pattern e.g. {@code %d{HH:mm:ss.SSS} %-5level %logger{0} - %msg}
   */
  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  @Override
  public void start() {
    if (pattern != null) {
      PatternLayout l = new PatternLayout();
      l.setContext(getContext());
      l.setPattern(pattern);
      l.start();
      layout = l;
    }
    SliceLogs.appenderStarted();
    super.start();
  }

  @Override
  public void stop() {
    if (isStarted()) {
      SliceLogs.appenderStopped();
    }
    super.stop();
  }

  @Override
  protected void append(ILoggingEvent event) {
    Map<String, String> mdc = event.getMDCPropertyMap();
    Lines.offer(mdc.get(BackfillRun.MDC_RUN), mdc.get(BackfillRun.MDC_PARTITION), () -> format(event));
  }

  private String format(ILoggingEvent event) {
    if (layout != null) {
      return Lines.trim(layout.doLayout(event));
    }
    IThrowableProxy t = event.getThrowableProxy();
    return Lines.format(event.getTimeStamp(), event.getLevel().toString(), event.getLoggerName(),
        event.getFormattedMessage(), t == null ? null : t.getClassName(), t == null ? null : t.getMessage());
  }
}
