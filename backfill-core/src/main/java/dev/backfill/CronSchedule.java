package dev.backfill;

import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * The fire times of a cron expression, behind an interface of our own so that cron-utils, an
 * optional dependency, is only loaded when a cron partitioning is made.
 */
interface CronSchedule {

  /** The first fire time strictly after a time. */
  Optional<ZonedDateTime> next(ZonedDateTime after);

  /** The last fire time strictly before a time. */
  Optional<ZonedDateTime> previous(ZonedDateTime before);

  /** Tells whether a time, to the minute, is a fire time. */
  boolean matches(ZonedDateTime time);

  /**
   * Parses a Unix cron expression.
   *
   * @throws InvalidConfigurationException when it does not parse or cron-utils is not on the class path
   */
  static CronSchedule parse(String expression) {
    try {
      return new CronUtilsSchedule(expression);
    } catch (NoClassDefFoundError e) {
      throw new InvalidConfigurationException("cron partitions need cron-utils on the class path, which is an optional"
          + " dependency of backfill-core; add com.cronutils:cron-utils (9.2.1 or later) to your build");
    }
  }
}
