package dev.backfill;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * Which partitions of an upstream target one partition of a downstream target needs, for the edges
 * of a {@link BackfillGraph}: a downstream partition starts only when every upstream partition it maps
 * to has succeeded.
 *
 * <pre>{@code
 * PartitionMapping.identity()            // day -> the same day (facts before dimensions)
 * PartitionMapping.rollUp()              // month -> all its days; day -> its 24 hours
 * PartitionMapping.offset(-1)            // today -> yesterday
 * PartitionMapping.window(-6, 0)         // a day -> that day and the six before (a 7-day average)
 * PartitionMapping.allUpstream()         // every partition of the upstream's range in the run
 * PartitionMapping.custom(p -> List.of("eu", "us"))   // your own rule, by key
 * }</pre>
 */
@FunctionalInterface
public interface PartitionMapping {

  /**
   * Returns the keys of the upstream partitions a downstream partition needs.
   *
   * @param downstream a partition of the downstream target
   * @param upstream the upstream target's partitioning
   * @param upstreamRange the partitions of the upstream's range in this graph run
   * @return upstream keys (each must be a key of {@code upstream})
   */
  List<PartitionKey> upstreamOf(Partition downstream, Partitioning upstream, PartitionSequence upstreamRange);

  /**
   * Each downstream partition needs the upstream partition with the same key (both targets partitioned
   * alike, e.g. daily facts and daily dimensions).
   *
   * @return the mapping
   */
  static PartitionMapping identity() {
    return named("identity()", (p, upstream, range) -> List.of(upstream.parse(p.key().value())));
  }

  /**
   * Each downstream partition needs every upstream partition whose time window overlaps its own: a
   * month needs all its days, a day its hours (23 or 25 on a clock change). Both targets need time.
   *
   * @return the mapping
   */
  static PartitionMapping rollUp() {
    return window(0, 0);
  }

  /**
   * Each downstream partition needs the upstream partitions of its own time window moved by
   * {@code partitions} upstream partitions: {@code offset(-1)} makes today need yesterday.
   *
   * @param partitions how many upstream partitions to move, negative for earlier ones
   * @return the mapping
   */
  static PartitionMapping offset(int partitions) {
    return window(partitions, partitions);
  }

  /**
   * Each downstream partition needs the upstream partitions overlapping its time window, from
   * {@code startOffset} partitions before the first of them to {@code endOffset} after the last (as
   * Dagster's {@code TimeWindowPartitionMapping}): {@code window(-6, 0)} is a trailing week of days.
   *
   * @param startOffset partitions added before (negative) or removed from (positive) the start
   * @param endOffset partitions added after (positive) or removed from (negative) the end
   * @return the mapping
   */
  static PartitionMapping window(int startOffset, int endOffset) {
    String name = startOffset == 0 && endOffset == 0 ? "rollUp()"
        : startOffset == endOffset ? "offset(" + startOffset + ")" : "window(" + startOffset + ", " + endOffset + ")";
    return named(name, (p, upstream, range) -> {
      if (!(upstream instanceof TimeDimension time) || p.window().isEmpty()) {
        throw new InvalidConfigurationException("the mapping " + name + " needs time partitionings on both sides of the"
            + " edge, but got " + upstream.describe() + " upstream of partition " + p.key()
            + "; use identity(), allUpstream() or custom(...)");
      }
      TimeWindow w = p.window().get();
      Partition first = time.shift(upstream.partitionAt(w.start()), startOffset);
      Partition last = time.shift(upstream.partitionAt(w.end().minusNanos(1)), endOffset);
      List<PartitionKey> keys = new ArrayList<>();
      if (first.window().orElseThrow().start().isAfter(last.window().orElseThrow().start())) {
        return keys;
      }
      for (Partition u : upstream.enumerate(PartitionRange.of(first.key().value(), last.key().value()))) {
        keys.add(u.key());
      }
      return keys;
    });
  }

  /**
   * Each downstream partition needs every partition of the upstream target's range in this graph run
   * (a dimension rebuilt from all its facts).
   *
   * @return the mapping
   */
  static PartitionMapping allUpstream() {
    return named("allUpstream()", (p, upstream, range) -> {
      List<PartitionKey> keys = new ArrayList<>((int) Math.min(range.size(), 1 << 20));
      for (long i = 0; i < range.size(); i++) {
        keys.add(range.keyAt(i));
      }
      return keys;
    });
  }

  /**
   * Your own rule: the upstream keys a downstream partition needs, checked against the upstream's
   * partitioning when the graph is planned.
   *
   * @param rule from a downstream partition to upstream keys
   * @return the mapping
   */
  static PartitionMapping custom(Function<Partition, ? extends Collection<String>> rule) {
    requireNonNull(rule, "rule");
    return named("custom", (p, upstream, range) -> rule.apply(p).stream().map(upstream::parse).toList());
  }

  /** Gives a mapping a description for plans and error messages. */
  private static PartitionMapping named(String name, PartitionMapping mapping) {
    return new PartitionMapping() {
      @Override
      public List<PartitionKey> upstreamOf(Partition downstream, Partitioning upstream, PartitionSequence upstreamRange) {
        return mapping.upstreamOf(downstream, upstream, upstreamRange);
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }
}
