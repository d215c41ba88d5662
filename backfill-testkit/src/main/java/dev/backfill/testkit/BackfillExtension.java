package dev.backfill.testkit;

import dev.backfill.InMemoryStateStore;
import dev.backfill.Sleeper;
import dev.backfill.spi.StateStore;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link BackfillTest}: resolves the kit's fixtures as parameters of
 * test and lifecycle methods, one set per test, and closes the driver after each test.
 */
public final class BackfillExtension implements ParameterResolver, AfterEachCallback {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BackfillExtension.class);
  private static final Set<Class<?>> TYPES = Set.of(BackfillTestDriver.class, ManualClock.class, Clock.class,
      VirtualSleeper.class, Sleeper.class, StateStore.class, InMemoryStateStore.class, InMemoryDestination.class,
      InMemorySource.class);

  /** Creates the extension; JUnit does this through {@link BackfillTest}. */
  public BackfillExtension() {}

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return TYPES.contains(parameter.getParameter().getType());
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    ExtensionContext.Store store = store(context);
    BackfillTestDriver driver = store.getOrComputeIfAbsent(BackfillTestDriver.class, k -> newDriver(context),
        BackfillTestDriver.class);
    if (type == BackfillTestDriver.class) {
      return driver;
    }
    if (type == ManualClock.class || type == Clock.class) {
      return driver.clock();
    }
    if (type == VirtualSleeper.class || type == Sleeper.class) {
      return driver.sleeper();
    }
    if (type == StateStore.class || type == InMemoryStateStore.class) {
      return driver.stateStore();
    }
    if (type == InMemoryDestination.class) {
      return store.getOrComputeIfAbsent(InMemoryDestination.class, k -> InMemoryDestination.create(), InMemoryDestination.class);
    }
    if (type == InMemorySource.class) {
      return store.getOrComputeIfAbsent(InMemorySource.class, k -> InMemorySource.rows(), InMemorySource.class);
    }
    throw new ParameterResolutionException("@BackfillTest cannot provide a " + type.getName());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    BackfillTestDriver driver = store(context).get(BackfillTestDriver.class, BackfillTestDriver.class);
    if (driver != null) {
      driver.close();
    }
  }

  /** One set of fixtures per test method, shared by its lifecycle methods. */
  private static ExtensionContext.Store store(ExtensionContext context) {
    return context.getStore(NAMESPACE);
  }

  private static BackfillTestDriver newDriver(ExtensionContext context) {
    String start = AnnotationSupport.findAnnotation(context.getTestMethod(), BackfillTest.class)
        .or(() -> context.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, BackfillTest.class)))
        .map(BackfillTest::clock)
        .orElse(ManualClock.DEFAULT_START.toString());
    try {
      return BackfillTestDriver.builder().clock(new ManualClock(Instant.parse(start))).build();
    } catch (DateTimeParseException e) {
      throw new ExtensionConfigurationException("@BackfillTest(clock = \"" + start
          + "\") is not an ISO-8601 instant; expected e.g. 2024-03-01T00:00:00Z", e);
    }
  }
}
