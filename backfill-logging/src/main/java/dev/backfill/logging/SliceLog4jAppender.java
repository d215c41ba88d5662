package dev.backfill.logging;

import dev.backfill.BackfillRun;
import dev.backfill.spi.SliceLogs;
import java.io.Serializable;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Core;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginAttribute;
import org.apache.logging.log4j.core.config.plugins.PluginElement;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;
import org.apache.logging.log4j.util.ReadOnlyStringMap;
import org.jspecify.annotations.Nullable;

/**
 * A Log4j2 appender that keeps the last lines logged under a slice's thread context keys
 * ({@code backfill.run}, {@code backfill.partition}; SLF4J's MDC maps to them) with the slice's
 * attempt in the state store, masked and bounded (see {@link SliceLogs}).
 *
 * <pre>{@code
 * <Configuration packages="dev.backfill.logging">
 *   <Appenders>
 *     <BackfillSliceLogs name="BACKFILL">
 *       <PatternLayout pattern="%d{HH:mm:ss.SSS} %-5level %c{1} - %msg"/>   <!-- optional -->
 *     </BackfillSliceLogs>
 *   </Appenders>
 *   <Loggers><Root level="info"><AppenderRef ref="BACKFILL"/></Root></Loggers>
 * </Configuration>
 * }</pre>
 */
@Plugin(name = "BackfillSliceLogs", category = Core.CATEGORY_NAME, elementType = Appender.ELEMENT_TYPE)
public final class SliceLog4jAppender extends AbstractAppender {

  private SliceLog4jAppender(String name, @Nullable Filter filter, @Nullable Layout<? extends Serializable> layout) {
    super(name, filter, layout, true, Property.EMPTY_ARRAY);
  }

  /**
   * Creates the appender (Log4j2 calls this for a {@code <BackfillSliceLogs>} element).
   *
   * @param name appender name
   * @param layout optional layout of captured lines
   * @param filter optional filter
   * @return the appender
   */
  @PluginFactory
  public static SliceLog4jAppender create(@PluginAttribute("name") String name,
      @PluginElement("Layout") @Nullable Layout<? extends Serializable> layout,
      @PluginElement("Filter") @Nullable Filter filter) {
    return new SliceLog4jAppender(name == null ? "BackfillSliceLogs" : name, filter, layout);
  }

  @Override
  public void start() {
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
  public void append(LogEvent event) {
    ReadOnlyStringMap context = event.getContextData();
    Lines.offer(context.getValue(BackfillRun.MDC_RUN), context.getValue(BackfillRun.MDC_PARTITION), () -> format(event));
  }

  private String format(LogEvent event) {
    Layout<? extends Serializable> layout = getLayout();
    if (layout != null) {
      return Lines.trim(String.valueOf(layout.toSerializable(event)));
    }
    Throwable t = event.getThrown();
    return Lines.format(event.getTimeMillis(), event.getLevel().name(), event.getLoggerName(),
        event.getMessage().getFormattedMessage(), t == null ? null : t.getClass().getName(),
        t == null ? null : t.getMessage());
  }
}
