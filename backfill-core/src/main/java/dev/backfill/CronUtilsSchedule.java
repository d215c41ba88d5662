package dev.backfill;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.ZonedDateTime;
import java.util.Optional;

/** {@link CronSchedule} on cron-utils, the only class that touches it. */
final class CronUtilsSchedule implements CronSchedule {
  private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private final ExecutionTime times;

  CronUtilsSchedule(String expression) {
    try {
      this.times = ExecutionTime.forCron(UNIX.parse(expression));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationException("cron expression '" + expression + "' does not parse (" + e.getMessage()
          + "); expected five Unix cron fields: minute hour day-of-month month day-of-week, e.g. 0 6 * * *");
    }
  }

  @Override
  public Optional<ZonedDateTime> next(ZonedDateTime after) {
    return times.nextExecution(after);
  }

  @Override
  public Optional<ZonedDateTime> previous(ZonedDateTime before) {
    return times.lastExecution(before);
  }

  @Override
  public boolean matches(ZonedDateTime time) {
    return time.getSecond() == 0 && time.getNano() == 0 && times.isMatch(time);
  }
}
