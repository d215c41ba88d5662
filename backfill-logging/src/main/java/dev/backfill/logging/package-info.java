/**
 * Log appenders that capture each slice's log lines for the run history: {@link
 * dev.backfill.logging.SliceLogbackAppender} (Logback) and {@link dev.backfill.logging.SliceLog4jAppender}
 * (Log4j2). Add the one of your back end to its configuration.
 */
@NullMarked
package dev.backfill.logging;

import org.jspecify.annotations.NullMarked;
