package dev.backfill.spi;

import java.util.OptionalLong;

/**
 * A source's estimate of one partition's size, for the plan's cost projection.
 *
 * @param rows estimated rows
 * @param bytes estimated bytes, when known
 */
public record Estimate(long rows, OptionalLong bytes) {

  /**
   * Creates an estimate.
   *
   * @param rows estimated rows, {@code >= 0}
   * @param bytes estimated bytes
   */
  public Estimate {
    if (rows < 0) {
      throw new IllegalArgumentException("estimated rows must be >= 0, got " + rows);
    }
  }

  /**
   * An estimate of rows only.
   *
   * @param rows estimated rows
   * @return the estimate
   */
  public static Estimate rows(long rows) {
    return new Estimate(rows, OptionalLong.empty());
  }
}
