package dev.backfill;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** The product of single-dimension partitionings; the first dimension is outermost. */
final class MultiPartitioning implements Partitioning {
  private static final Pattern SPLIT = Pattern.compile(Pattern.quote(String.valueOf(PartitionKey.SEPARATOR)));

  final List<SingleDimension> parts;
  private final int timeIndex;

  MultiPartitioning(List<Partitioning> partitionings) {
    List<SingleDimension> dims = new ArrayList<>();
    Set<String> names = new HashSet<>();
    int time = -1;
    for (Partitioning p : partitionings) {
      if (p instanceof CronPartitioning) {
        throw new InvalidConfigurationException("multi(...) cannot combine the cron partitioning " + p.describe()
            + "; use an hourly, daily, weekly, monthly or yearly time dimension, or partition by the cron schedule alone");
      }
      if (!(p instanceof SingleDimension single)) {
        throw new InvalidConfigurationException("multi(...) takes single dimensions; " + p.describe()
            + " is already multi-dimensional, list its dimensions instead");
      }
      if (!names.add(single.name)) {
        throw new InvalidConfigurationException("dimension name '" + single.name
            + "' is used twice in multi(...); rename one with .named(\"...\")");
      }
      if (single.isTimeBased()) {
        if (time >= 0) {
          throw new InvalidConfigurationException("multi(...) allows one time dimension, got "
              + dims.get(time).describe() + " and " + single.describe());
        }
        time = dims.size();
      }
      dims.add(single);
    }
    this.parts = List.copyOf(dims);
    this.timeIndex = time;
  }

  /** Position of the time dimension, or -1. */
  int timeIndex() {
    return timeIndex;
  }

  @Override
  public Partitioning named(String dimension) {
    throw new InvalidConfigurationException("cannot rename " + describe()
        + " as a whole; name each dimension before combining, e.g. keys(\"eu\").named(\"region\")");
  }

  @Override
  public List<String> dimensions() {
    return parts.stream().map(p -> p.name).toList();
  }

  @Override
  public boolean isTimeBased() {
    return timeIndex >= 0;
  }

  @Override
  public int endOffset() {
    return timeIndex >= 0 ? parts.get(timeIndex).endOffset() : 0;
  }

  @Override
  public Optional<ZoneId> zone() {
    return timeIndex >= 0 ? parts.get(timeIndex).zone() : Optional.empty();
  }

  @Override
  public Partition partition(String key) {
    String[] texts = split(key, "partition key");
    long[] ordinals = new long[parts.size()];
    for (int i = 0; i < parts.size(); i++) {
      ordinals[i] = parts.get(i).ordinalOf(texts[i], "partition key part " + parts.get(i).name);
    }
    return partitionAt(ordinals);
  }

  Partition partitionAt(long[] ordinals) {
    StringBuilder key = new StringBuilder();
    Map<String, Object> values = new LinkedHashMap<>();
    @Nullable TimeWindow window = null;
    for (int i = 0; i < parts.size(); i++) {
      SingleDimension d = parts.get(i);
      if (i > 0) {
        key.append(PartitionKey.SEPARATOR);
      }
      key.append(d.keyAt(ordinals[i]));
      values.put(d.name, d.valueAt(ordinals[i]));
      if (i == timeIndex) {
        window = d.windowAt(ordinals[i]);
      }
    }
    return new Partition(new PartitionKey(key.toString()), window, values);
  }

  private String[] split(String key, String label) {
    String[] texts = SPLIT.split(key, -1);
    if (texts.length != parts.size()) {
      throw new InvalidPartitionKeyException(label + " '" + key + "' has " + texts.length + " part(s); expected "
          + expectedForm());
    }
    return texts;
  }

  private String expectedForm() {
    StringBuilder form = new StringBuilder();
    StringBuilder example = new StringBuilder();
    for (SingleDimension d : parts) {
      if (form.length() > 0) {
        form.append(PartitionKey.SEPARATOR);
        example.append(PartitionKey.SEPARATOR);
      }
      form.append(d.name);
      example.append(d.exampleKey());
    }
    return form + " (e.g. " + example + ")";
  }

  @Override
  public Partition partitionAt(Instant instant) {
    throw new UnsupportedOperationException(describe()
        + " has more than one dimension; partitionAt(Instant) needs a single time partitioning");
  }

  @Override
  public PartitionSequence enumerate(PartitionRange range) {
    String[] starts = SPLIT.split(range.start(), -1);
    String[] ends = SPLIT.split(range.end(), -1);
    List<SingleDimension.OrdinalSequence> seqs = new ArrayList<>();
    if (starts.length == 1 && ends.length == 1) {
      // Only the first dimension is bounded; the others must be static keys, taken in full.
      seqs.add((SingleDimension.OrdinalSequence) parts.get(0).enumerate(range));
      for (SingleDimension d : parts.subList(1, parts.size())) {
        if (!(d instanceof StaticKeyPartitioning keys)) {
          throw new InvalidRangeException("range " + range + " bounds only dimension " + parts.get(0).name
              + " but " + d.name + " is a time dimension; expected bounds of the form " + expectedForm());
        }
        seqs.add((SingleDimension.OrdinalSequence) keys.all());
      }
    } else {
      if (starts.length != parts.size()) {
        split(range.start(), "start");
      }
      if (ends.length != parts.size()) {
        split(range.end(), "end");
      }
      for (int i = 0; i < parts.size(); i++) {
        seqs.add((SingleDimension.OrdinalSequence) parts.get(i).enumerate(new PartitionRange(starts[i], ends[i])));
      }
    }
    return new ProductSequence(this, seqs);
  }

  @Override
  public Map<String, List<String>> staticKeys() {
    Map<String, List<String>> keys = new LinkedHashMap<>();
    parts.forEach(p -> keys.putAll(p.staticKeys()));
    return java.util.Collections.unmodifiableMap(keys);
  }

  @Override
  public Set<String> tokenNames() {
    Set<String> names = new LinkedHashSet<>();
    for (SingleDimension d : parts) {
      names.addAll(d.tokenNames());
    }
    names.remove(Tokens.PARTITION_KEY);
    names.add(Tokens.PARTITION_KEY);
    return names;
  }

  @Override
  public String describe() {
    StringBuilder s = new StringBuilder("multi(");
    for (int i = 0; i < parts.size(); i++) {
      s.append(i == 0 ? "" : ", ").append(parts.get(i).describe());
    }
    return s.append(')').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MultiPartitioning m && m.parts.equals(parts);
  }

  @Override
  public int hashCode() {
    return parts.hashCode();
  }

  @Override
  public String toString() {
    return describe();
  }

  /** Mixed-radix product of per-dimension sequences, last dimension varying fastest. */
  static final class ProductSequence implements PartitionSequence {
    private final MultiPartitioning owner;
    private final List<SingleDimension.OrdinalSequence> seqs;
    private final long size;

    ProductSequence(MultiPartitioning owner, List<SingleDimension.OrdinalSequence> seqs) {
      this.owner = owner;
      this.seqs = seqs;
      long n = 1;
      for (SingleDimension.OrdinalSequence s : seqs) {
        n = Math.multiplyExact(n, s.size());
      }
      this.size = n;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public Partition get(long index) {
      if (index < 0 || index >= size) {
        throw new IndexOutOfBoundsException("index " + index + " outside 0.." + (size - 1));
      }
      long[] ordinals = new long[seqs.size()];
      long rest = index;
      for (int i = seqs.size() - 1; i >= 0; i--) {
        SingleDimension.OrdinalSequence s = seqs.get(i);
        ordinals[i] = s.first + rest % s.size();
        rest /= s.size();
      }
      return owner.partitionAt(ordinals);
    }

    /** The sequence of one dimension's values. */
    SingleDimension.OrdinalSequence part(int dimension) {
      return seqs.get(dimension);
    }

    /** The position, in one dimension's sequence, of the value that a product index has there. */
    long partIndex(long index, int dimension) {
      long rest = index;
      for (int i = seqs.size() - 1; i > dimension; i--) {
        rest /= seqs.get(i).size();
      }
      return rest % seqs.get(dimension).size();
    }

    @Override
    public long indexOf(PartitionKey key) {
      String[] texts = SPLIT.split(key.value(), -1);
      if (texts.length != seqs.size()) {
        return -1;
      }
      long index = 0;
      for (int i = 0; i < seqs.size(); i++) {
        // An empty part is no key (PartitionKey rejects it); a placeholder could name a real key.
        long part = texts[i].isEmpty() ? -1 : seqs.get(i).indexOf(new PartitionKey(texts[i]));
        if (part < 0) {
          return -1;
        }
        index = index * seqs.get(i).size() + part;
      }
      return index;
    }
  }
}
