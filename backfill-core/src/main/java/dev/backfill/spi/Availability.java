package dev.backfill.spi;

import static java.util.Objects.requireNonNull;

/**
 * Whether a source still holds the data of a partition (it may have been purged by retention).
 *
 * @param available true when the partition can be read
 * @param detail why not, or what was found (e.g. "0 rows in events for 2023-01-01")
 */
public record Availability(boolean available, String detail) {

  /** The partition can be read. */
  public static final Availability AVAILABLE = new Availability(true, "available");

  /**
   * Creates an availability.
   *
   * @param available true when readable
   * @param detail explanation
   */
  public Availability {
    requireNonNull(detail, "detail");
  }

  /**
   * The partition's upstream data is gone.
   *
   * @param detail why, for the planner's message
   * @return the availability
   */
  public static Availability missing(String detail) {
    return new Availability(false, detail);
  }
}
