package dev.backfill.logging;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import dev.backfill.spi.SliceLogs;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** The default format of a captured line, the same for every back end. */
final class Lines {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  private Lines() {}

  /** {@code 12:00:01.250 WARN  JdbcSource - message | SQLException: reason} */
  static String format(long epochMillis, String level, String logger, @Nullable String message,
      @Nullable String throwableClass, @Nullable String throwableMessage) {
    StringBuilder s = new StringBuilder(TIME.format(Instant.ofEpochMilli(epochMillis))).append(' ')
        .append(String.format("%-5s", level)).append(' ').append(logger.substring(logger.lastIndexOf('.') + 1))
        .append(" - ").append(message);
    if (throwableClass != null) {
      s.append(" | ").append(throwableClass.substring(throwableClass.lastIndexOf('.') + 1)).append(": ")
          .append(throwableMessage);
    }
    return s.toString();
  }

  /** A formatted event without its trailing line break. */
  static String trim(String line) {
    int end = line.length();
    while (end > 0 && (line.charAt(end - 1) == '\n' || line.charAt(end - 1) == '\r')) {
      end--;
    }
    return line.substring(0, end);
  }

  /** Keeps a line of a slice running in this JVM; formats it only then. */
  static void offer(@Nullable String run, @Nullable String partition, Supplier<String> line) {
    if (SliceLogs.wants(run, partition)) {
      SliceLogs.append(run, partition, line.get());
    }
  }
}
