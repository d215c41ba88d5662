package dev.backfill.jdbc.internal;

import dev.backfill.InvalidConfigurationException;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SliceRecord;

/**
 * The sizes of the state store's columns, checked before anything is written, so that a value too
 * long fails with a message naming the field instead of a driver's truncation error half-way through
 * a run.
 */
public final class StoreLimits {
  private StoreLimits() {}

  /**
   * Checks the fields of a new run.
   *
   * @param run the run
   * @throws InvalidConfigurationException naming the field, its length and the limit
   */
  public static void checkRun(RunRecord run) {
    check("run id", run.runId(), 64);
    check("target", run.target(), 255);
    check("logic version", run.logicVersion(), 255);
  }

  /**
   * Checks the keys of a slice.
   *
   * @param slice the slice
   * @throws InvalidConfigurationException naming the key, its length and the limit
   */
  public static void checkSlice(SliceRecord slice) {
    check("slice key", slice.key(), 512);
    for (String key : slice.partitions()) {
      check("partition key", key, 255);
    }
  }

  /**
   * Checks one value.
   *
   * @param field what the value is, for the message
   * @param value the value
   * @param max longest allowed, in characters
   * @throws InvalidConfigurationException naming the field, the value's length and the limit
   */
  public static void check(String field, String value, int max) {
    if (value.length() > max) {
      String shown = value.length() > 60 ? value.substring(0, 60) + "…" : value;
      throw new InvalidConfigurationException(field + " '" + shown + "' is " + value.length()
          + " characters long; the state store keeps at most " + max + "; use a shorter " + field);
    }
  }
}
