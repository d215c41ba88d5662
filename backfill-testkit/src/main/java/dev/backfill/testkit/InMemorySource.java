package dev.backfill.testkit;

import static java.util.Objects.requireNonNull;

import dev.backfill.Partition;
import dev.backfill.Row;
import dev.backfill.Slice;
import dev.backfill.spi.Availability;
import dev.backfill.spi.Estimate;
import dev.backfill.spi.RecordSink;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SourceNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SourceNode} holding records per partition key in memory, with configurable availability
 * (partitions purged by retention) and size estimates. Reads push the records of each of a slice's
 * partitions in the order they were added, checking for cancellation as a real source would, and are
 * counted so a test can assert which partitions a run (or a resume) read.
 *
 * <pre>{@code
 * InMemorySource<Row> orders = InMemorySource.rows()
 *     .add("2024-03-01", Row.of("day", LocalDate.parse("2024-03-01"), "id", 1L, "amount", 990L))
 *     .add("2024-03-02", Row.of("day", LocalDate.parse("2024-03-02"), "id", 2L, "amount", 120L))
 *     .unavailable("2023-12-31", "purged by the 90-day retention")
 *     .estimatesFromRecords();
 * }</pre>
 *
 * <p>Keys are canonical partition keys ({@code 2024-03-01}, {@code 2024-03-01T05}, {@code eu},
 * {@code 2024-03-01|eu}). Partitions without records read as empty unless a generator was given.
 * Thread-safe; records may be added while a run reads (a slice sees what was there when it read).
 *
 * @param <T> record type
 */
public final class InMemorySource<T> implements SourceNode<T> {
  private final Map<String, List<T>> records = new ConcurrentHashMap<>();
  private final Map<String, String> unavailable = new ConcurrentHashMap<>();
  private final Map<String, Long> estimates = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> readsByPartition = new ConcurrentHashMap<>();
  private final AtomicInteger reads = new AtomicInteger();
  private final @Nullable Function<Partition, ? extends Collection<? extends T>> generator;
  private volatile boolean estimatesFromRecords;

  private InMemorySource(@Nullable Function<Partition, ? extends Collection<? extends T>> generator) {
    this.generator = generator;
  }

  /**
   * Creates an empty source of {@link Row}s.
   *
   * @return the source
   */
  public static InMemorySource<Row> rows() {
    return new InMemorySource<>(null);
  }

  /**
   * Creates an empty source of records of any type.
   *
   * @param type record type (for inference only)
   * @param <T> record type
   * @return the source
   */
  public static <T> InMemorySource<T> of(Class<T> type) {
    requireNonNull(type, "type");
    return new InMemorySource<>(null);
  }

  /**
   * Creates a source computing the records of partitions that were not added explicitly. The
   * function must be deterministic (a re-run of a slice reads the same records).
   *
   * @param records records of a partition
   * @param <T> record type
   * @return the source
   */
  public static <T> InMemorySource<T> generated(Function<Partition, ? extends Collection<? extends T>> records) {
    return new InMemorySource<>(requireNonNull(records, "records"));
  }

  /**
   * Adds records to a partition.
   *
   * @param partitionKey canonical key
   * @param more records, appended after the partition's existing ones
   * @return this source
   */
  @SafeVarargs
  @SuppressWarnings("varargs") // the array only goes to List.of / Arrays.asList, which never write to it
  public final InMemorySource<T> add(String partitionKey, T... more) {
    return add(partitionKey, List.of(more));
  }

  /**
   * Adds records to a partition.
   *
   * @param partitionKey canonical key
   * @param more records, appended after the partition's existing ones
   * @return this source
   */
  public InMemorySource<T> add(String partitionKey, Collection<? extends T> more) {
    requireNonNull(partitionKey, "partitionKey");
    records.computeIfAbsent(partitionKey, k -> new CopyOnWriteArrayList<>()).addAll(more);
    return this;
  }

  /**
   * Replaces the records of a partition (to simulate corrected upstream data before a re-run).
   *
   * @param partitionKey canonical key
   * @param replacement the new records
   * @return this source
   */
  public InMemorySource<T> replace(String partitionKey, Collection<? extends T> replacement) {
    requireNonNull(partitionKey, "partitionKey");
    records.put(partitionKey, new CopyOnWriteArrayList<>(replacement));
    return this;
  }

  /**
   * Marks a partition's upstream data as gone; the planner then stops or skips it.
   *
   * @param partitionKey canonical key
   * @param detail the explanation a planner reports
   * @return this source
   */
  public InMemorySource<T> unavailable(String partitionKey, String detail) {
    unavailable.put(requireNonNull(partitionKey, "partitionKey"), requireNonNull(detail, "detail"));
    return this;
  }

  /**
   * Sets the row estimate of a partition.
   *
   * @param partitionKey canonical key
   * @param rows estimated rows
   * @return this source
   */
  public InMemorySource<T> estimate(String partitionKey, long rows) {
    Estimate.rows(rows);
    estimates.put(requireNonNull(partitionKey, "partitionKey"), rows);
    return this;
  }

  /**
   * Estimates each partition by the number of records it holds (explicit estimates win).
   *
   * @return this source
   */
  public InMemorySource<T> estimatesFromRecords() {
    this.estimatesFromRecords = true;
    return this;
  }

  /**
   * Returns the records a partition reads now.
   *
   * @param partition the partition
   * @return its records, in order
   */
  public List<T> records(Partition partition) {
    List<T> explicit = records.get(partition.key().value());
    if (explicit != null || generator == null) {
      return explicit == null ? List.of() : List.copyOf(explicit);
    }
    return List.copyOf(generator.apply(partition));
  }

  /**
   * Returns the records added to a partition key.
   *
   * @param partitionKey canonical key
   * @return the records added explicitly, in order
   */
  public List<T> records(String partitionKey) {
    List<T> explicit = records.get(partitionKey);
    return explicit == null ? List.of() : List.copyOf(explicit);
  }

  /**
   * Counts the reads of slices so far.
   *
   * @return reads started
   */
  public int reads() {
    return reads.get();
  }

  /**
   * Counts how many reads included a partition.
   *
   * @param partitionKey canonical key
   * @return reads of slices containing the partition
   */
  public int reads(String partitionKey) {
    AtomicInteger n = readsByPartition.get(partitionKey);
    return n == null ? 0 : n.get();
  }

  /**
   * Returns the partition keys read at least once, in no particular order.
   *
   * @return keys read
   */
  public List<String> partitionsRead() {
    return new ArrayList<>(readsByPartition.keySet());
  }

  @Override
  public void read(Slice slice, SliceContext context, RecordSink<? super T> sink) {
    reads.incrementAndGet();
    for (Partition p : slice.partitions()) {
      readsByPartition.computeIfAbsent(p.key().value(), k -> new AtomicInteger()).incrementAndGet();
    }
    int n = 0;
    for (Partition p : slice.partitions()) {
      context.throwIfCancelled();
      for (T record : records(p)) {
        // a real source notices a cancel between fetches, not after the whole slice
        if (++n % 256 == 0) {
          context.throwIfCancelled();
        }
        sink.accept(record);
      }
    }
  }

  @Override
  public Availability availability(Partition partition) {
    String detail = unavailable.get(partition.key().value());
    return detail == null ? Availability.AVAILABLE : Availability.missing(detail);
  }

  @Override
  public Optional<Estimate> estimate(Partition partition) {
    Long explicit = estimates.get(partition.key().value());
    if (explicit != null) {
      return Optional.of(Estimate.rows(explicit));
    }
    return estimatesFromRecords ? Optional.of(Estimate.rows(records(partition).size())) : Optional.empty();
  }

  @Override
  public String describe() {
    return "InMemorySource(" + records.size() + " partitions" + (generator == null ? "" : " + generated") + ")";
  }
}
