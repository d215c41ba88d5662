package dev.backfill.spi;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Where log lines of a slice are kept while it runs, so that each attempt stores its last lines
 * ({@code SliceRecord.logExcerpt}, {@code SliceAttempt.logExcerpt}) and the run history, report,
 * {@code backfill logs} command and run page can show them.
 *
 * <p>A log back end feeds it: the appenders of {@code backfill-logging} (Logback and Log4j2) pass every
 * line that carries the MDC keys {@code backfill.run} and {@code backfill.partition} (see
 * {@code BackfillRun.MDC_RUN}) to {@link #append}; an appender of another back end does the same.
 * Without an appender nothing is captured and excerpts stay empty.
 *
 * <pre>{@code
 * // inside an appender, for each event:
 * SliceLogs.append(event.mdc().get("backfill.run"), event.mdc().get("backfill.partition"), formattedLine);
 * }</pre>
 *
 * <p>Bounded: an attempt keeps its last {@value #MAX_LINES} lines, each cut at {@value #MAX_LINE_CHARS}
 * characters, and an excerpt holds at most {@value #MAX_EXCERPT_CHARS} characters. Passwords are
 * masked with {@link Redaction#redact} before a line is kept. Lines of slices that are not running in
 * this JVM are ignored at the cost of one map lookup.
 */
public final class SliceLogs {
  /** Lines kept per attempt: the last ones. */
  public static final int MAX_LINES = 40;
  /** Characters kept of one line. */
  public static final int MAX_LINE_CHARS = 1_000;
  /** Characters of one excerpt at most; older lines are dropped first. */
  public static final int MAX_EXCERPT_CHARS = 8_000;

  private static final Map<String, Buffer> OPEN = new ConcurrentHashMap<>();
  private static final AtomicInteger APPENDERS = new AtomicInteger();

  private SliceLogs() {}

  /** Called by an appender when it starts: from then on the executor opens buffers for slices. */
  public static void appenderStarted() {
    APPENDERS.incrementAndGet();
  }

  /** Called by an appender when it stops. */
  public static void appenderStopped() {
    APPENDERS.updateAndGet(n -> Math.max(0, n - 1));
  }

  /**
   * Tells whether an appender feeds this class, i.e. whether excerpts are captured at all.
   *
   * @return true when at least one appender is started
   */
  public static boolean capturing() {
    return APPENDERS.get() > 0;
  }

  /**
   * Tells whether a slice of a run is being captured in this JVM; appenders may skip formatting a
   * line otherwise.
   *
   * @param runId value of the {@code backfill.run} MDC key, or null
   * @param partition value of the {@code backfill.partition} MDC key, or null
   * @return true when {@link #append} would keep the line
   */
  public static boolean wants(@Nullable String runId, @Nullable String partition) {
    return runId != null && partition != null && OPEN.containsKey(key(runId, partition));
  }

  /**
   * Keeps a formatted log line of a slice (masked and bounded); ignored unless the slice is running in
   * this JVM.
   *
   * @param runId value of the {@code backfill.run} MDC key, or null
   * @param partition value of the {@code backfill.partition} MDC key, or null
   * @param line the formatted line, without a trailing line break
   */
  public static void append(@Nullable String runId, @Nullable String partition, String line) {
    if (runId == null || partition == null) {
      return;
    }
    Buffer buffer = OPEN.get(key(runId, partition));
    if (buffer != null) {
      buffer.add(line);
    }
  }

  /**
   * Starts capturing an attempt at a slice (the executor calls this; a previous attempt's lines are
   * dropped).
   *
   * @param runId run id
   * @param sliceKey slice key, as in the {@code backfill.partition} MDC key
   */
  public static void open(String runId, String sliceKey) {
    if (capturing()) {
      OPEN.put(key(runId, sliceKey), new Buffer());
    }
  }

  /**
   * Returns the lines captured since {@link #open} and starts over (the executor calls this when an
   * attempt ends).
   *
   * @param runId run id
   * @param sliceKey slice key
   * @return the excerpt, or null when nothing was captured
   */
  public static @Nullable String take(String runId, String sliceKey) {
    Buffer buffer = OPEN.get(key(runId, sliceKey));
    return buffer == null ? null : buffer.drain();
  }

  /**
   * Stops capturing a slice (the executor calls this when the slice settled).
   *
   * @param runId run id
   * @param sliceKey slice key
   */
  public static void close(String runId, String sliceKey) {
    OPEN.remove(key(runId, sliceKey));
  }

  private static String key(String runId, String partition) {
    return runId + '\u0000' + partition;
  }

  /** The last lines of one attempt. */
  private static final class Buffer {
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private int chars;

    synchronized void add(String line) {
      String kept = Redaction.redact(line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + "…" : line);
      lines.addLast(kept);
      chars += kept.length() + 1;
      while (lines.size() > MAX_LINES || (chars > MAX_EXCERPT_CHARS && lines.size() > 1)) {
        chars -= lines.removeFirst().length() + 1;
      }
    }

    synchronized @Nullable String drain() {
      if (lines.isEmpty()) {
        return null;
      }
      String excerpt = String.join("\n", lines);
      lines.clear();
      chars = 0;
      return excerpt;
    }
  }
}
