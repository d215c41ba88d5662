package dev.backfill.testkit;

import static java.util.Objects.requireNonNull;

import dev.backfill.InvalidConfigurationException;
import dev.backfill.Partitioning;
import dev.backfill.Row;
import dev.backfill.Slice;
import dev.backfill.SliceStats;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.RunContext;
import dev.backfill.spi.RunOutcome;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SliceStatsCollector;
import dev.backfill.spi.SliceWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A {@link DestinationNode} of {@link Row}s in memory with the visible semantics of a database
 * table, for every {@link WriteStrategy}:
 *
 * <ul>
 *   <li>Each slice is atomic: its rows are staged in its writer and applied in one step on
 *       {@code commit()}; nothing is visible before, nothing ever after {@code abort()}. Abort is
 *       idempotent, callable from another thread, and a no-op after commit; writing or committing an
 *       aborted writer fails as a closed transaction would.</li>
 *   <li>{@code overwritePartition(columns)} deletes the rows whose columns lie in the slice's
 *       {@link Slice#span span}, then inserts; {@code merge(keys)} replaces rows by key and inserts new
 *       keys, deleting keys missing from the slice within its span when asked, and with
 *       {@code newerBy(column)} replaces a row only when the existing one is not newer; {@code append}
 *       inserts.</li>
 *   <li>{@code fullRebuild()} fills a shadow table per slice (replacing the slice's span there, so a
 *       re-run slice is idempotent) and swaps it in atomically in {@code finishRun} only when the run
 *       succeeded. A failed or cancelled rebuild leaves the live rows untouched and keeps the shadow,
 *       which a resumed run continues; a new run starts a fresh shadow.</li>
 * </ul>
 *
 * <p>For assertions it offers snapshots ({@link #rows()}, {@link #rowsSortedBy}, {@link #rowsWhere},
 * {@link #countBy}), counters of commits, aborts and writers left open, and an observer that sees
 * every state readers could have seen ({@link #onVisibleChange}), so atomicity is testable: a test can
 * assert that no observed state held half a slice. Thread-safe.
 *
 * <pre>{@code
 * InMemoryDestination mart = InMemoryDestination.create();
 * List<List<Row>> seen = new CopyOnWriteArrayList<>();
 * mart.onVisibleChange(seen::add);
 * // ... run the backfill ...
 * assertThat(mart.rowsWhere("day", LocalDate.parse("2024-03-02"))).hasSize(3);
 * }</pre>
 */
public final class InMemoryDestination implements DestinationNode<Row> {
  private final Object lock = new Object();
  private final Set<Class<? extends WriteStrategy>> supported;
  private List<Row> live = new ArrayList<>();
  private List<Row> previous = List.of();
  private @Nullable String shadowRun;
  private @Nullable List<Row> shadow;
  private final AtomicLong visibleReads = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong aborts = new AtomicLong();
  private final AtomicLong swaps = new AtomicLong();
  private final Set<Writer> openWriters = ConcurrentHashMap.newKeySet();
  private final List<Consumer<List<Row>>> observers = new CopyOnWriteArrayList<>();

  private InMemoryDestination(Set<Class<? extends WriteStrategy>> supported) {
    this.supported = Set.copyOf(supported);
  }

  /**
   * Creates an empty destination supporting every strategy.
   *
   * @return the destination
   */
  public static InMemoryDestination create() {
    return new InMemoryDestination(Set.of(WriteStrategy.Append.class, WriteStrategy.OverwritePartition.class,
        WriteStrategy.Merge.class, WriteStrategy.FullRebuild.class));
  }

  /**
   * Creates an empty destination that rejects, in {@link #validate}, the strategies not listed (to
   * test how a pipeline reports an unsupported strategy).
   *
   * @param strategies supported strategy types, e.g. {@code WriteStrategy.Merge.class}
   * @return the destination
   */
  @SafeVarargs
  @SuppressWarnings("varargs") // the array only goes to List.of / Arrays.asList, which never write to it
  public static InMemoryDestination supporting(Class<? extends WriteStrategy>... strategies) {
    return new InMemoryDestination(new HashSet<>(Arrays.asList(strategies)));
  }

  /**
   * Inserts rows that are visible at once, as content loaded before the backfill.
   *
   * @param rows the rows
   * @return this destination
   */
  public InMemoryDestination seed(Row... rows) {
    return seed(List.of(rows));
  }

  /**
   * Inserts rows that are visible at once, as content loaded before the backfill.
   *
   * @param rows the rows
   * @return this destination
   */
  public InMemoryDestination seed(Collection<Row> rows) {
    synchronized (lock) {
      live.addAll(rows);
      published();
    }
    return this;
  }

  /**
   * Returns what a reader sees now, in insertion order, and counts the read.
   *
   * @return a snapshot of the visible rows
   */
  public List<Row> rows() {
    synchronized (lock) {
      visibleReads.incrementAndGet();
      return List.copyOf(live);
    }
  }

  /**
   * Returns the visible rows sorted by columns (nulls first).
   *
   * @param columns sort columns, most significant first
   * @return a sorted snapshot
   */
  public List<Row> rowsSortedBy(String... columns) {
    List<Row> rows = new ArrayList<>(rows());
    rows.sort(Values.order(List.of(columns)));
    return rows;
  }

  /**
   * Returns the visible rows whose column equals a value (numbers compare by value, dates whether
   * held as {@code LocalDate} or text).
   *
   * @param column column name
   * @param value value, or null for rows where the column is null or missing
   * @return matching rows, in insertion order
   */
  public List<Row> rowsWhere(String column, @Nullable Object value) {
    Object wanted = Values.normal(value);
    List<Row> matching = new ArrayList<>();
    for (Row r : rows()) {
      Object v = r.has(column) ? Values.normal(r.get(column)) : null;
      if (wanted == null ? v == null : wanted.equals(v)
          || (v != null && wanted.toString().equals(v.toString()))) {
        matching.add(r);
      }
    }
    return matching;
  }

  /**
   * Counts the visible rows per value of a column.
   *
   * @param column column name
   * @return counts by value text, sorted ({@code "null"} for nulls)
   */
  public Map<String, Long> countBy(String column) {
    Map<String, Long> counts = new TreeMap<>();
    for (Row r : rows()) {
      counts.merge(String.valueOf(r.has(column) ? r.get(column) : null), 1L, Long::sum);
    }
    return counts;
  }

  /**
   * Returns the number of visible rows.
   *
   * @return row count
   */
  public int size() {
    return rows().size();
  }

  /**
   * Returns the rows of the full-rebuild shadow (not visible to readers).
   *
   * @return the shadow's rows, empty when no rebuild is in progress
   */
  public List<Row> shadowRows() {
    synchronized (lock) {
      return shadow == null ? List.of() : List.copyOf(shadow);
    }
  }

  /**
   * Tells whether a full rebuild's shadow exists (a rebuild is in progress or failed and may resume).
   *
   * @return true while there is a shadow
   */
  public boolean hasShadow() {
    synchronized (lock) {
      return shadow != null;
    }
  }

  /**
   * Returns the rows a full rebuild replaced, when the strategy keeps them ({@code keepingPrevious()}).
   *
   * @return the previous table, empty otherwise
   */
  public List<Row> previousRows() {
    synchronized (lock) {
      return List.copyOf(previous);
    }
  }

  /**
   * Counts calls to {@link #rows()} (and the snapshots built on it), so a test can show its concurrent
   * reader really read while the run was going.
   *
   * @return reads of the visible rows
   */
  public long visibleReads() {
    return visibleReads.get();
  }

  /**
   * Registers an observer called with the complete visible content after every change (a slice
   * commit, a seed, a rebuild swap), in the order the changes happened. It sees every state a reader
   * could have seen; it runs while the destination is locked, so keep it quick and do not call back.
   *
   * @param observer receives an immutable snapshot after each change
   */
  public void onVisibleChange(Consumer<List<Row>> observer) {
    observers.add(requireNonNull(observer, "observer"));
  }

  /**
   * Counts committed slice writers.
   *
   * @return commits
   */
  public long commits() {
    return commits.get();
  }

  /**
   * Counts aborted slice writers (each writer once, however often abort was called).
   *
   * @return aborts
   */
  public long aborts() {
    return aborts.get();
  }

  /**
   * Counts full-rebuild swaps.
   *
   * @return swaps
   */
  public long swaps() {
    return swaps.get();
  }

  /**
   * Counts writers that were neither committed nor aborted; zero after every finished run.
   *
   * @return open writers
   */
  public int openWriters() {
    return openWriters.size();
  }

  @Override
  public void validate(WriteStrategy strategy, Partitioning partitioning) {
    requireSupported(strategy);
  }

  private void requireSupported(WriteStrategy strategy) {
    if (!supported.contains(strategy.getClass())) {
      throw new InvalidConfigurationException("InMemoryDestination was created without support for "
          + strategy.describe() + "; it supports " + supported.stream().map(Class::getSimpleName).sorted().toList());
    }
  }

  @Override
  public void beginRun(RunContext run) {
    if (!(run.strategy() instanceof WriteStrategy.FullRebuild)) {
      return;
    }
    synchronized (lock) {
      // a resume continues its own shadow; anything else starts from an empty one
      if (!run.resumed() || shadow == null || !run.runId().equals(shadowRun)) {
        shadow = new ArrayList<>();
        shadowRun = run.runId();
      }
    }
  }

  @Override
  public void finishRun(RunContext run, RunOutcome outcome) {
    if (!(run.strategy() instanceof WriteStrategy.FullRebuild rebuild) || !outcome.succeeded()) {
      return;
    }
    synchronized (lock) {
      if (shadow == null || !run.runId().equals(shadowRun)) {
        throw new IllegalStateException("finishRun of run " + run.runId() + " found no shadow of that run; was beginRun called?");
      }
      previous = rebuild.keepPrevious() ? live : List.of();
      live = shadow;
      shadow = null;
      shadowRun = null;
      swaps.incrementAndGet();
      published();
    }
  }

  @Override
  public SliceWriter<Row> open(Slice slice, WriteStrategy strategy, SliceContext context) {
    requireNonNull(slice, "slice");
    requireSupported(strategy);
    if (strategy instanceof WriteStrategy.FullRebuild) {
      synchronized (lock) {
        if (shadow == null) {
          throw new IllegalStateException("slice " + slice.key() + " opened for a full rebuild, but no shadow exists; "
              + "beginRun must be called first");
        }
      }
    }
    Writer w = new Writer(slice, strategy);
    openWriters.add(w);
    return w;
  }

  @Override
  public String describe() {
    return "InMemoryDestination";
  }

  private void published() {
    if (observers.isEmpty()) {
      return;
    }
    List<Row> snapshot = List.copyOf(live);
    for (Consumer<List<Row>> o : observers) {
      o.accept(snapshot);
    }
  }

  /** Applies a committed slice to a table (live or shadow); called under the lock. */
  private static void apply(List<Row> table, Slice slice, WriteStrategy strategy, List<Row> staged) {
    if (strategy instanceof WriteStrategy.OverwritePartition o) {
      table.removeIf(r -> Values.inSlice(r, slice, o.columns()));
      table.addAll(staged);
    } else if (strategy instanceof WriteStrategy.Merge m) {
      Map<List<@Nullable Object>, Row> incoming = new LinkedHashMap<>();
      for (Row r : staged) {
        incoming.merge(Values.key(r, m.keys()), r, (earlier, later) -> replaces(m, earlier, later) ? later : earlier);
      }
      if (!m.deleteMissingWithin().isEmpty()) {
        table.removeIf(r -> Values.inSlice(r, slice, m.deleteMissingWithin()) && !incoming.containsKey(Values.key(r, m.keys())));
      }
      for (int i = 0; i < table.size(); i++) {
        Row replacement = incoming.remove(Values.key(table.get(i), m.keys()));
        if (replacement != null && replaces(m, table.get(i), replacement)) {
          table.set(i, replacement);
        }
      }
      table.addAll(incoming.values());
    } else if (strategy instanceof WriteStrategy.FullRebuild) {
      // replace the slice's span in the shadow, so a slice run twice in one rebuild counts once
      List<String> dimensions = List.copyOf(slice.first().dimensions().keySet());
      table.removeIf(r -> dimensions.stream().allMatch(r::has) && Values.inSlice(r, slice, dimensions));
      table.addAll(staged);
    } else {
      table.addAll(staged);
    }
  }

  /** Whether an incoming row replaces an existing row of its key: always, or when the existing one is not newer. */
  private static boolean replaces(WriteStrategy.Merge merge, Row existing, Row incoming) {
    String column = merge.newerBy();
    if (column == null) {
      return true;
    }
    // As SQL compares: a null on either side is unknown, and unknown does not replace.
    Integer order = Values.compare(existing.get(column), incoming.get(column));
    return order != null && order <= 0;
  }

  private static List<String> requiredColumns(WriteStrategy strategy) {
    if (strategy instanceof WriteStrategy.OverwritePartition o) {
      return o.columns();
    }
    if (strategy instanceof WriteStrategy.Merge m) {
      List<String> columns = new ArrayList<>(m.keys());
      columns.addAll(m.deleteMissingWithin());
      m.newerByColumn().ifPresent(columns::add);
      return columns;
    }
    return List.of();
  }

  private enum State { OPEN, COMMITTED, ABORTED }

  /** One slice's transaction: staged rows applied in one step on commit. */
  private final class Writer implements SliceWriter<Row> {
    private final Slice slice;
    private final WriteStrategy strategy;
    private final List<String> required;
    private final List<Row> staged = new ArrayList<>();
    private final SliceStatsCollector stats = new SliceStatsCollector();
    private State state = State.OPEN;

    Writer(Slice slice, WriteStrategy strategy) {
      this.slice = slice;
      this.strategy = strategy;
      this.required = requiredColumns(strategy);
    }

    @Override
    public synchronized void write(List<? extends Row> batch) {
      requireOpen("write");
      for (Row r : batch) {
        for (String c : required) {
          if (!r.has(c)) {
            throw new IllegalArgumentException("row " + r + " of slice " + slice.key() + " has no column '" + c
                + "', which " + strategy.describe() + " needs");
          }
        }
      }
      staged.addAll(batch);
      stats.addAll(batch);
    }

    @Override
    public synchronized SliceStats stats() {
      requireOpen("read the stats of");
      return stats.stats();
    }

    @Override
    public synchronized void commit() {
      requireOpen("commit");
      synchronized (lock) {
        boolean rebuild = strategy instanceof WriteStrategy.FullRebuild;
        if (rebuild && shadow == null) {
          throw new IllegalStateException("slice " + slice.key() + " cannot commit: the full-rebuild shadow is gone "
              + "(the run was finished or restarted)");
        }
        apply(rebuild ? shadow : live, slice, strategy, staged);
        state = State.COMMITTED;
        if (!rebuild) {
          published();
        }
      }
      staged.clear();
      openWriters.remove(this);
      commits.incrementAndGet();
    }

    @Override
    public void abort() {
      synchronized (this) {
        if (state != State.OPEN) {
          return;
        }
        state = State.ABORTED;
        staged.clear();
      }
      openWriters.remove(this);
      aborts.incrementAndGet();
    }

    private void requireOpen(String what) {
      if (state != State.OPEN) {
        throw new IllegalStateException("cannot " + what + " slice " + slice.key() + ": its writer was already "
            + (state == State.COMMITTED ? "committed" : "aborted"));
      }
    }
  }
}
