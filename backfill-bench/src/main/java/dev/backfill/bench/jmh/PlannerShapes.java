package dev.backfill.bench.jmh;

import dev.backfill.Backfill;
import dev.backfill.InMemoryStateStore;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** The ranges the planner is measured on, shared by the JMH benchmark and the memory check. */
public final class PlannerShapes {

  private PlannerShapes() {}

  /**
   * A partitioning with a range of a given size and the first half of it.
   *
   * @param partitioning the partitioning
   * @param range the whole range
   * @param firstHalf its first half, given history during setup
   * @param historyBatch partitions per slice when writing the history (1 for multi partitionings)
   * @param size partitions in the range
   */
  public record Shape(Partitioning partitioning, PartitionRange range, PartitionRange firstHalf, int historyBatch,
      long size) {}

  /**
   * Builds a shape.
   *
   * @param shape {@code daily_x_keys} (days × up to 1,000 static keys) or {@code hourly} (UTC hours
   *     from 1910)
   * @param partitions partitions wanted; daily × keys rounds to whole days, at least two
   * @return the shape
   */
  public static Shape of(String shape, int partitions) {
    return switch (shape) {
      case "daily_x_keys" -> {
        int keys = Math.min(1000, partitions);
        int days = Math.max(2, partitions / keys);
        List<String> names = new ArrayList<>(keys);
        for (int i = 0; i < keys; i++) {
          names.add(String.format("k%04d", i));
        }
        Partitioning p = Partitioning.multi(Partitioning.daily(ZoneOffset.UTC), Partitioning.keys(names));
        LocalDate first = LocalDate.of(2000, 1, 1);
        String k0 = names.get(0);
        String kn = names.get(keys - 1);
        yield new Shape(p, PartitionRange.of(first + "|" + k0, first.plusDays(days - 1L) + "|" + kn),
            PartitionRange.of(first + "|" + k0, first.plusDays(days / 2 - 1L) + "|" + kn), 1, (long) days * keys);
      }
      case "hourly" -> {
        DateTimeFormatter hour = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH");
        LocalDateTime first = LocalDateTime.of(1910, 1, 1, 0, 0);
        yield new Shape(Partitioning.hourly(ZoneOffset.UTC),
            PartitionRange.of(first.format(hour), first.plusHours(partitions - 1L).format(hour)),
            PartitionRange.of(first.format(hour), first.plusHours(partitions / 2 - 1L).format(hour)), 1000, partitions);
      }
      default -> throw new IllegalArgumentException("unknown shape '" + shape + "'; expected daily_x_keys or hourly");
    };
  }

  /**
   * A no-op backfill over a shape's partitioning.
   *
   * @param partitioning the partitioning
   * @param store the state store
   * @return the backfill
   */
  public static Backfill<Object> noOpBackfill(Partitioning partitioning, InMemoryStateStore store) {
    return NoOpPipeline.backfill(partitioning, store);
  }
}
