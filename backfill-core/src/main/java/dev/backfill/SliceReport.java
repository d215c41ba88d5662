package dev.backfill;

import dev.backfill.spi.SliceRecord;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How one slice of a run ended, as recorded in the state store.
 *
 * @param index slice index
 * @param key slice key
 * @param status final status
 * @param attempts attempts made
 * @param rows rows committed (or written by the failed attempt)
 * @param duration duration of the last attempt, if it finished
 * @param error last error, or null
 * @param checks check results of the last attempt, one line each
 */
public record SliceReport(int index, String key, SliceStatus status, int attempts, long rows,
    Optional<Duration> duration, @Nullable String error, List<String> checks) {

  /**
   * Converts a store record.
   *
   * @param r the record
   * @return the report line
   */
  public static SliceReport of(SliceRecord r) {
    return new SliceReport(r.index(), r.key(), r.status(), r.attempt(), r.rows(), r.duration(), r.error(), r.checks());
  }
}
