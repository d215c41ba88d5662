package dev.backfill.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a JUnit 5 test class (or method) whose test methods receive backfill test fixtures as
 * parameters, fresh for every test: a {@link BackfillTestDriver}, its {@link ManualClock},
 * {@link VirtualSleeper} and {@link dev.backfill.spi.StateStore} (an
 * {@link dev.backfill.InMemoryStateStore} on the clock), an {@link InMemoryDestination} and an
 * {@link InMemorySource} of rows. The driver is closed after each test, cancelling a run left
 * unfinished.
 *
 * <pre>{@code
 * @BackfillTest
 * class RevenuePipelineTest {
 *   @Test
 *   void backfillsMarch(BackfillTestDriver driver, InMemorySource<Row> orders, InMemoryDestination mart) {
 *     Backfill<Row> backfill = RevenuePipeline.configure(driver.backfill("mart.daily_revenue"), orders, mart);
 *     RunReport report = driver.run(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-31")));
 *     assertThatRun(report).succeeded().hasSlices(31);
 *   }
 * }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(BackfillExtension.class)
public @interface BackfillTest {
  /**
   * Where the test's {@link ManualClock} starts, as an ISO-8601 instant.
   *
   * @return the start instant (default {@code 2024-06-01T00:00:00Z})
   */
  String clock() default "2024-06-01T00:00:00Z";
}
