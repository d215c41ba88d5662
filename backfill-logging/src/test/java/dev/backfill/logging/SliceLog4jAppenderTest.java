package dev.backfill.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.BackfillRun;
import dev.backfill.spi.SliceLogs;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.ThreadContext;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;
import org.junit.jupiter.api.Test;

/**
 * The Log4j2 appender, declared by its plugin name in a configuration as a user would: lines logged
 * under a slice's thread context keys while the executor captures the slice end up in its excerpt.
 */
class SliceLog4jAppenderTest {

  @Test
  void linesUnderTheSlicesContextKeysAreCapturedMaskedAndOthersAreNot() {
    ConfigurationBuilder<BuiltConfiguration> b = ConfigurationBuilderFactory.newConfigurationBuilder();
    b.add(b.newAppender("BACKFILL", "BackfillSliceLogs")
        .add(b.newLayout("PatternLayout").addAttribute("pattern", "%-5level %c{1} - %msg")));
    b.add(b.newRootLogger(Level.INFO).add(b.newAppenderRef("BACKFILL")));
    Configuration config = b.build(false);
    try (LoggerContext context = new LoggerContext("log4j-test")) {
      context.start(config);
      Logger logger = context.getLogger("com.example.Pipeline");
      SliceLogs.open("run-1", "2024-03-05");
      try {
        ThreadContext.put(BackfillRun.MDC_RUN, "run-1");
        ThreadContext.put(BackfillRun.MDC_PARTITION, "2024-03-05");
        logger.info("reading 2024-03-05 with pwd=s3cret");
        ThreadContext.put(BackfillRun.MDC_PARTITION, "2024-03-06");
        logger.info("a line of another slice");
        ThreadContext.clearMap();
        logger.info("a line outside any run");

        assertThat(SliceLogs.take("run-1", "2024-03-05")).isEqualTo("INFO  Pipeline - reading 2024-03-05 with pwd=***");
      } finally {
        SliceLogs.close("run-1", "2024-03-05");
        ThreadContext.clearMap();
      }
    }
  }
}
