package dev.backfill;

import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** One partition per static key, ordered as declared. */
final class StaticKeyPartitioning extends SingleDimension {
  private static final int MAX_LISTED = 20;

  final List<String> keys;
  private final Map<String, Integer> index;

  StaticKeyPartitioning(List<String> keys, String name) {
    super(name);
    if (keys.isEmpty()) {
      throw new InvalidPartitionKeyException("static keys are empty; expected at least one key such as \"eu\"");
    }
    this.index = new HashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      String key = validKey(keys.get(i), i);
      if (index.put(key, i) != null) {
        throw new InvalidPartitionKeyException("static key '" + key + "' is listed twice; expected unique keys");
      }
    }
    this.keys = List.copyOf(keys);
  }

  private static String validKey(String key, int position) {
    if (key == null || key.isEmpty()) {
      throw new InvalidPartitionKeyException("static key #" + (position + 1)
          + " is empty; expected non-empty text without '" + PartitionKey.SEPARATOR + "'");
    }
    if (key.indexOf(PartitionKey.SEPARATOR) >= 0) {
      throw new InvalidPartitionKeyException("static key '" + key + "' contains the multi-key separator '"
          + PartitionKey.SEPARATOR + "'; expected text without it");
    }
    if (!key.strip().equals(key) || key.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidPartitionKeyException("static key '" + key
          + "' has leading or trailing blanks or control characters; expected plain text such as \"eu\"");
    }
    return key;
  }

  @Override
  public Partitioning named(String dimension) {
    return new StaticKeyPartitioning(keys, dimension);
  }

  @Override
  public boolean isTimeBased() {
    return false;
  }

  @Override
  public Optional<ZoneId> zone() {
    return Optional.empty();
  }

  @Override
  public Partition partitionAt(Instant instant) {
    throw new UnsupportedOperationException(describe() + " has no time; partitionAt(Instant) needs a time partitioning");
  }

  @Override
  long ordinalOf(String text, String label) {
    if (text.isEmpty()) {
      throw new InvalidPartitionKeyException(label + " is empty; expected one of " + listed());
    }
    Integer i = index.get(text);
    if (i == null) {
      throw new InvalidPartitionKeyException("unknown " + (label.equals("partition key") ? "" : label + " ")
          + "key '" + text + "' for dimension " + name + "; expected one of " + listed());
    }
    return i;
  }

  private String listed() {
    return keys.size() <= MAX_LISTED ? String.join(", ", keys)
        : String.join(", ", keys.subList(0, MAX_LISTED)) + ", … (" + keys.size() + " keys)";
  }

  @Override
  String orderDescription() {
    return " in the declared key order " + listed();
  }

  @Override
  String keyAt(long ordinal) {
    return keys.get((int) ordinal);
  }

  @Override
  @Nullable TimeWindow windowAt(long ordinal) {
    return null;
  }

  @Override
  Object valueAt(long ordinal) {
    return keys.get((int) ordinal);
  }

  @Override
  String exampleKey() {
    return keys.get(0);
  }

  @Override
  String expectedForm() {
    return "one of " + listed();
  }

  /** The sequence of all keys, for multi ranges that name only the first dimension. */
  PartitionSequence all() {
    return new OrdinalSequence(this, 0, keys.size() - 1);
  }

  @Override
  public String describe() {
    return "keys(" + listed() + ")" + (name.equals("key") ? "" : " as " + name);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StaticKeyPartitioning s && s.keys.equals(keys) && s.name.equals(name);
  }

  @Override
  public int hashCode() {
    return keys.hashCode() * 31 + name.hashCode();
  }

  @Override
  public String toString() {
    return describe();
  }
}
