package dev.backfill.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.SliceStats;
import dev.backfill.spi.Availability;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.SliceWriter;
import dev.backfill.spi.SourceNode;
import dev.backfill.spi.StateStore;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kit's forwarding wrappers forward every method of their SPI, the default methods included: a
 * wrapper that inherited a default instead would silently drop what the wrapped node does there (a
 * pushdown destination's token check, a source's retention probe). Each SPI method is called on a
 * wrapper with no overrides around a recording delegate; the delegate must receive the call with the
 * same arguments and the wrapper must return the delegate's answer. A method added to the SPI later
 * fails here until its wrapper forwards it.
 */
class ForwardingTest {

  /** One wrapper: the SPI it implements and how to wrap a delegate in it with nothing overridden. */
  record Wrapper(String name, Class<?> spi, UnaryOperator<Object> wrap) {
    @Override
    public String toString() {
      return name;
    }
  }

  @SuppressWarnings("unchecked")
  static Stream<Wrapper> wrappers() {
    return Stream.of(
        new Wrapper("ForwardingSource", SourceNode.class, d -> new ForwardingSource<>((SourceNode<Object>) d) {}),
        new Wrapper("ForwardingDestination", DestinationNode.class,
            d -> new ForwardingDestination<>((DestinationNode<Object>) d) {}),
        new Wrapper("ForwardingSliceWriter", SliceWriter.class,
            d -> new ForwardingSliceWriter<>((SliceWriter<Object>) d) {}),
        new Wrapper("ForwardingStateStore", StateStore.class, d -> new ForwardingStateStore((StateStore) d) {}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrappers")
  void everyMethodOfTheSpiReachesTheDelegateAndReturnsItsAnswer(Wrapper wrapper) throws Exception {
    List<String> received = new ArrayList<>();
    Object delegate = Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {wrapper.spi()},
        (proxy, method, args) -> {
          received.add(signature(method, args));
          return answer(method.getReturnType());
        });
    Object forwarding = wrapper.wrap().apply(delegate);

    List<String> called = new ArrayList<>();
    for (Method method : wrapper.spi().getMethods()) {
      if (Modifier.isStatic(method.getModifiers())) {
        continue;
      }
      Object[] args = Arrays.stream(method.getParameterTypes()).map(ForwardingTest::argument).toArray();
      called.add(signature(method, args));

      Object returned = method.invoke(forwarding, args);

      assertThat(returned).as("what %s.%s returned", wrapper, method.getName())
          .isEqualTo(answer(method.getReturnType()));
    }

    assertThat(called).as("SPI methods of " + wrapper.spi().getSimpleName()).hasSizeGreaterThan(4);
    assertThat(received).as("calls the delegate received from " + wrapper).containsExactlyElementsOf(called);
  }

  private static String signature(Method method, Object @Nullable [] args) {
    return method.getName() + Arrays.toString(method.getParameterTypes()) + " with "
        + Arrays.toString(args == null ? new Object[0] : args);
  }

  /** A distinct value for each parameter type the SPIs use, or null where any value would do. */
  private static @Nullable Object argument(Class<?> type) {
    if (type == int.class) {
      return 7;
    }
    if (type == String.class) {
      return "argument";
    }
    if (type == Duration.class) {
      return Duration.ofSeconds(7);
    }
    if (type == Set.class) {
      return Set.of("token");
    }
    if (type == List.class) {
      return List.of("record");
    }
    if (type == Class.class) {
      return Number.class;
    }
    if (type.isEnum()) {
      return type.getEnumConstants()[1];
    }
    return null;
  }

  /** What the delegate answers: never what a default method would return, so a non-forwarded default shows. */
  private static @Nullable Object answer(Class<?> type) {
    if (type == void.class) {
      return null;
    }
    if (type == boolean.class) {
      return true;
    }
    if (type == int.class) {
      return 42;
    }
    if (type == String.class) {
      return "from the delegate";
    }
    if (type == Optional.class) {
      return Optional.of("from the delegate");
    }
    if (type == List.class) {
      return List.of("from the delegate");
    }
    if (type == Map.class) {
      return Map.of("from", "the delegate");
    }
    if (type == Instant.class) {
      return Instant.ofEpochSecond(42);
    }
    if (type == Availability.class) {
      return new Availability(false, "from the delegate");
    }
    if (type == SliceStats.class) {
      return SliceStats.ofRows(42);
    }
    if (type.isEnum()) {
      return type.getEnumConstants()[type.getEnumConstants().length - 1];
    }
    if (type == SliceWriter.class) {
      return WRITER;
    }
    return null;
  }

  /** The writer the recording delegate hands out from {@code open}. */
  private static final SliceWriter<Object> WRITER = new SliceWriter<>() {
    @Override
    public void write(List<?> batch) {}

    @Override
    public SliceStats stats() {
      return SliceStats.ofRows(0);
    }

    @Override
    public void commit() {}

    @Override
    public void abort() {}
  };
}
