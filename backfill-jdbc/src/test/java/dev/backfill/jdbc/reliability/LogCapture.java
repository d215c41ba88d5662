package dev.backfill.jdbc.reliability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures every log event of this JVM at DEBUG for {@code dev.backfill} (and at the configured
 * level elsewhere) with message, MDC and full stack traces, while attached.
 */
final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final List<String> lines = new ArrayList<>();
  private final Logger backfill;
  private final Level previous;
  private final Logger root;

  private LogCapture() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    setContext(context);
    setName("reliability-capture");
    root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    backfill = context.getLogger("dev.backfill");
    previous = backfill.getLevel();
    backfill.setLevel(Level.DEBUG);
    start();
    root.addAppender(this);
  }

  static LogCapture attach() {
    return new LogCapture();
  }

  @Override
  protected synchronized void append(ILoggingEvent e) {
    StringBuilder s = new StringBuilder().append(e.getLevel()).append(' ').append(e.getLoggerName()).append(' ')
        .append(e.getMDCPropertyMap()).append(' ').append(e.getFormattedMessage());
    if (e.getThrowableProxy() != null) {
      s.append('\n').append(ThrowableProxyUtil.asString(e.getThrowableProxy()));
    }
    lines.add(s.toString());
  }

  /** Everything captured so far, one event per entry. */
  synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  /** Captured events whose text contains a fragment. */
  synchronized List<String> containing(String fragment) {
    return lines.stream().filter(l -> l.contains(fragment)).toList();
  }

  @Override
  public void close() {
    root.detachAppender(this);
    stop();
    backfill.setLevel(previous);
  }
}
