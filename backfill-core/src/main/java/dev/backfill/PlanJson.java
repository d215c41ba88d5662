package dev.backfill;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * JSON form of a {@link BackfillPlan}. Selected partitions are stored as runs
 * {@code [firstKey, count, reason]}; a SHA-256 checksum over the rest of the document detects
 * edits, and decoding re-validates every key against the partitioning.
 */
final class PlanJson {
  static final String FORMAT = "backfill-plan/1";
  // Strict reading: a field given twice is an edit, not a plan (text after the plan is checked by read).
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private PlanJson() {}

  static String write(BackfillPlan plan) {
    ObjectNode header = header(plan);
    try {
      // The checksum covers the compact form of everything but itself; both passes stream the
      // segments, so a plan of a million partitions never exists as a JSON tree.
      MessageDigest digest = sha256();
      try (JsonGenerator g = MAPPER.createGenerator(new DigestOutputStream(OutputStream.nullOutputStream(), digest),
          JsonEncoding.UTF8)) {
        writeBody(g, header, plan);
        g.writeEndObject();
      }
      StringWriter out = new StringWriter();
      try (JsonGenerator g = MAPPER.createGenerator(out)) {
        g.setPrettyPrinter(new DefaultPrettyPrinter());
        writeBody(g, header, plan);
        g.writeStringField("checksum", HexFormat.of().formatHex(digest.digest()));
        g.writeEndObject();
      }
      return out.toString();
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise plan of " + plan.target(), e);
    }
  }

  /** Everything but the segments and the checksum, in document order. */
  private static ObjectNode header(BackfillPlan plan) {
    ObjectNode root = NODES.objectNode();
    root.put("format", FORMAT);
    root.put("target", plan.target());
    root.set("partitioning", partitioning(plan.partitioning()));
    ObjectNode range = root.putObject("range");
    range.put("start", plan.range().start());
    range.put("end", plan.range().end());
    root.put("logicVersion", plan.logicVersion());
    root.put("createdAt", plan.createdAt().toString());
    PlanOptions o = plan.options();
    ObjectNode options = root.putObject("options");
    ArrayNode selection = options.putArray("selection");
    o.selection().stream().sorted().forEach(s -> selection.add(s.name()));
    options.put("order", o.order().name());
    options.put("batchSize", o.batchSize());
    options.put("unavailable", o.unavailable().name());
    options.put("concurrency", o.concurrency());
    options.put("estimateRows", o.estimateRows());
    if (o.maxRows() == null) {
      options.putNull("maxRows");
    } else {
      options.put("maxRows", o.maxRows());
    }
    options.put("maxDuration", o.maxDuration() == null ? null : o.maxDuration().toString());
    options.put("environment", o.environment());
    options.put("lateness", o.lateness().toString());
    options.put("allowPartial", o.partialAllowed());
    BackfillPlan.Unavailable u = plan.unavailable();
    ObjectNode unavailable = root.putObject("unavailable");
    unavailable.put("partitions", u.partitions());
    unavailable.put("first", u.first());
    unavailable.put("last", u.last());
    unavailable.put("detail", u.detail());
    BackfillPlan.Incomplete i = plan.incomplete();
    ObjectNode incomplete = root.putObject("incomplete");
    incomplete.put("partitions", i.partitions());
    incomplete.put("first", i.first());
    incomplete.put("last", i.last());
    incomplete.put("completeAt", i.completeAt() == null ? null : i.completeAt().toString());
    ArrayNode warnings = root.putArray("warnings");
    plan.warnings().forEach(warnings::add);
    if (plan.origin() != null) {
      ObjectNode origin = root.putObject("promotedFrom");
      origin.put("environment", plan.origin().environment());
      origin.put("plan", plan.origin().fingerprint());
    }
    CostEstimate.Inputs c = plan.costInputs();
    ObjectNode cost = root.putObject("costInputs");
    cost.put("rows", c.rows());
    cost.put("estimatedPartitions", c.estimatedPartitions());
    cost.put("estimatesAsked", c.estimatesAsked());
    cost.put("historyMillis", c.historyMillis());
    cost.put("historyPartitions", c.historyPartitions());
    return root;
  }

  private static void writeBody(JsonGenerator g, ObjectNode header, BackfillPlan plan) throws IOException {
    g.writeStartObject();
    for (Map.Entry<String, JsonNode> field : header.properties()) {
      g.writeFieldName(field.getKey());
      g.writeTree(field.getValue());
    }
    g.writeArrayFieldStart("segments");
    long[] starts = plan.segmentStarts();
    int[] counts = plan.segmentCounts();
    byte[] reasons = plan.segmentReasons();
    for (int s = 0; s < starts.length; s++) {
      g.writeStartArray();
      g.writeString(plan.sequence().keyAt(starts[s]).value());
      g.writeNumber(counts[s]);
      g.writeString(Selection.values()[reasons[s]].name());
      g.writeEndArray();
    }
    g.writeEndArray();
  }

  static BackfillPlan read(String json) {
    ObjectNode root = NODES.objectNode();
    Segments segments = new Segments();
    String stated = "";
    MessageDigest digest = sha256();
    // Streams the document: small fields become a tree, segments are kept as arrays, and the
    // compact form of everything but the checksum is hashed on the way, as write() hashed it.
    try (JsonParser p = MAPPER.createParser(json);
        JsonGenerator hash = MAPPER.createGenerator(new DigestOutputStream(OutputStream.nullOutputStream(), digest),
            JsonEncoding.UTF8)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new PlanIntegrityException("plan JSON is " + (first == null ? "empty" : "not an object but " + kind(first))
            + "; expected the text written by BackfillPlan.toJson()");
      }
      hash.writeStartObject();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("checksum")) {
          stated = value == JsonToken.VALUE_STRING ? p.getText() : "";
          p.skipChildren();
          continue;
        }
        hash.writeFieldName(name);
        if (name.equals("segments") && value == JsonToken.START_ARRAY) {
          segments.present = true;
          hash.writeStartArray();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            JsonNode segment = MAPPER.readTree(p);
            hash.writeTree(segment);
            segments.add(segment);
          }
          hash.writeEndArray();
        } else {
          JsonNode tree = MAPPER.readTree(p);
          hash.writeTree(tree);
          root.set(name, tree);
        }
      }
      hash.writeEndObject();
      if (p.nextToken() != null) {
        throw new PlanIntegrityException("plan JSON does not parse: text follows the plan at " + p.currentLocation()
            .offsetDescription() + "; expected the text written by BackfillPlan.toJson()");
      }
    } catch (JsonProcessingException e) {
      throw new PlanIntegrityException("plan JSON does not parse: " + e.getOriginalMessage()
          + "; expected the text written by BackfillPlan.toJson()");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read plan JSON", e);
    }
    if (!FORMAT.equals(root.path("format").asText())) {
      throw new PlanIntegrityException("plan JSON has format '" + root.path("format").asText()
          + "'; expected " + FORMAT);
    }
    String actual = HexFormat.of().formatHex(digest.digest());
    if (!actual.equals(stated)) {
      throw new PlanIntegrityException("plan JSON checksum mismatch: it says '" + stated + "' but the content hashes to '"
          + actual + "'; the plan was edited after it was written, make a new plan instead");
    }
    try {
      return decode(root, segments);
    } catch (PlanIntegrityException e) {
      throw e;
    } catch (BackfillException | IllegalArgumentException | DateTimeException | ArithmeticException e) {
      throw new PlanIntegrityException("plan JSON is not a valid plan: " + e.getMessage(), e);
    }
  }

  private static String kind(JsonToken token) {
    return switch (token) {
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.asString() == null ? token.name() : token.asString();
    };
  }

  /**
   * The segments of a plan being read, as flat arrays; a malformed segment keeps its message until
   * decoding reaches it, so that an edited plan reports the checksum first.
   */
  private static final class Segments {
    private String[] keys = new String[16];
    private int[] counts = new int[16];
    private byte[] reasons = new byte[16];
    private final Map<Integer, String> problems = new java.util.HashMap<>();
    private int size;
    private boolean present;

    void add(JsonNode seg) {
      if (size == keys.length) {
        keys = java.util.Arrays.copyOf(keys, size * 2);
        counts = java.util.Arrays.copyOf(counts, size * 2);
        reasons = java.util.Arrays.copyOf(reasons, size * 2);
      }
      String where = "segments[" + size + "]";
      try {
        if (!seg.isArray() || seg.size() != 3) {
          throw new PlanIntegrityException("plan JSON " + where + " is " + seg + "; expected [first key, count, reason]");
        }
        if (!seg.get(0).isTextual()) {
          throw new PlanIntegrityException("plan JSON " + where + " has first key " + seg.get(0) + "; expected text");
        }
        keys[size] = seg.get(0).asText();
        counts[size] = integer(seg.get(1), where + " count");
        reasons[size] = (byte) constant(Selection.class, seg.get(2), where + " reason").ordinal();
      } catch (PlanIntegrityException e) {
        problems.put(size, e.getMessage());
      }
      size++;
    }
  }

  private static BackfillPlan decode(ObjectNode root, Segments segs) {
    String target = text(root, "target");
    Partitioning partitioning = partitioning(object(root, "partitioning"));
    JsonNode r = object(root, "range");
    PartitionRange range = new PartitionRange(text(r, "range.start", "start"), text(r, "range.end", "end"));
    JsonNode o = object(root, "options");
    Set<Selection> selection = EnumSet.noneOf(Selection.class);
    for (JsonNode s : array(o, "options.selection", "selection")) {
      selection.add(constant(Selection.class, s, "options.selection"));
    }
    JsonNode maxRows = nullable(o, "options.maxRows", "maxRows");
    JsonNode maxDuration = nullable(o, "options.maxDuration", "maxDuration");
    PlanOptions options = new PlanOptions(selection,
        constant(PlanOptions.Order.class, field(o, "options.order", "order"), "options.order"),
        integer(o, "options.batchSize", "batchSize"),
        constant(PlanOptions.Unavailable.class, field(o, "options.unavailable", "unavailable"), "options.unavailable"),
        integer(o, "options.concurrency", "concurrency"),
        bool(o, "options.estimateRows", "estimateRows"),
        maxRows == null ? null : number(maxRows, "options.maxRows"),
        maxDuration == null ? null : Duration.parse(text(o, "options.maxDuration", "maxDuration")),
        text(o, "options.environment", "environment"),
        // Plans written before lateness existed were planned without it.
        o.has("lateness") ? Duration.parse(text(o, "options.lateness", "lateness")) : Duration.ZERO,
        o.has("allowPartial") && bool(o, "options.allowPartial", "allowPartial"));
    JsonNode u = object(root, "unavailable");
    long skipped = number(field(u, "unavailable.partitions", "partitions"), "unavailable.partitions");
    BackfillPlan.Unavailable unavailable = skipped == 0 ? BackfillPlan.Unavailable.NONE
        : new BackfillPlan.Unavailable(skipped, nullableText(u, "unavailable.first", "first"),
            nullableText(u, "unavailable.last", "last"), text(u, "unavailable.detail", "detail"));
    BackfillPlan.Incomplete incomplete = BackfillPlan.Incomplete.NONE;
    if (root.has("incomplete")) {
      JsonNode i = object(root, "incomplete");
      long open = number(field(i, "incomplete.partitions", "partitions"), "incomplete.partitions");
      String completeAt = open == 0 ? null : nullableText(i, "incomplete.completeAt", "completeAt");
      incomplete = open == 0 ? BackfillPlan.Incomplete.NONE
          : new BackfillPlan.Incomplete(open, nullableText(i, "incomplete.first", "first"),
              nullableText(i, "incomplete.last", "last"), completeAt == null ? null : Instant.parse(completeAt));
    }
    List<String> warnings = new ArrayList<>();
    // Plans written before preflight warnings existed have no such field: they had none.
    for (JsonNode w : root.has("warnings") ? array(root, "warnings", "warnings") : NODES.arrayNode()) {
      if (!w.isTextual()) {
        throw new PlanIntegrityException("plan JSON warnings holds " + w + "; expected text");
      }
      warnings.add(w.asText());
    }
    JsonNode c = object(root, "costInputs");
    CostEstimate.Inputs cost = new CostEstimate.Inputs(
        number(field(c, "costInputs.rows", "rows"), "costInputs.rows"),
        number(field(c, "costInputs.estimatedPartitions", "estimatedPartitions"), "costInputs.estimatedPartitions"),
        bool(c, "costInputs.estimatesAsked", "estimatesAsked"),
        number(field(c, "costInputs.historyMillis", "historyMillis"), "costInputs.historyMillis"),
        number(field(c, "costInputs.historyPartitions", "historyPartitions"), "costInputs.historyPartitions"));
    if (!segs.present) {
      array(root, "segments", "segments");
    }
    PartitionSequence seq = partitioning.enumerate(range);
    long[] starts = new long[segs.size];
    int[] counts = new int[segs.size];
    byte[] reasons = new byte[segs.size];
    long end = 0;
    for (int s = 0; s < segs.size; s++) {
      String problem = segs.problems.get(s);
      if (problem != null) {
        throw new PlanIntegrityException(problem);
      }
      String key = segs.keys[s];
      long start = seq.indexOf(partitioning.parse(key));
      int count = segs.counts[s];
      Selection reason = Selection.values()[segs.reasons[s]];
      if (start < 0 || count < 1 || start < end || start + count > seq.size()) {
        throw new PlanIntegrityException("segment " + s + " [" + key + ", " + count + "] does not fit range " + range
            + " after the previous segment; expected ascending, non-overlapping runs inside the range");
      }
      if (!selection.contains(reason)) {
        throw new PlanIntegrityException("segment " + s + " [" + key + ", " + count + "] has reason " + reason
            + " but the plan selects only " + selection);
      }
      starts[s] = start;
      counts[s] = count;
      reasons[s] = (byte) reason.ordinal();
      end = start + count;
    }
    BackfillPlan.Origin origin = null;
    if (root.has("promotedFrom")) {
      JsonNode from = object(root, "promotedFrom");
      origin = new BackfillPlan.Origin(text(from, "promotedFrom.environment", "environment"),
          text(from, "promotedFrom.plan", "plan"));
    }
    BackfillPlan plan = new BackfillPlan(target, partitioning, range, options, text(root, "logicVersion"),
        Instant.parse(text(root, "createdAt")), seq, starts, counts, reasons, unavailable, incomplete, warnings, cost,
        origin);
    if (plan.cutsRepeatedHours()) {
      throw new PlanIntegrityException("plan of " + target + " over " + range + " selects only one of the hours that "
          + partitioning.zone().map(Object::toString).orElse("its zone") + " repeats when its clocks go back;"
          + " plans keep them together, so this plan was not made by this version: make a new plan");
    }
    return plan;
  }

  static JsonNode partitioning(Partitioning p) {
    ObjectNode node = NODES.objectNode();
    if (p instanceof CalendarPartitioning c) {
      node.put("type", c.unit.adjective);
      node.put("zone", c.zone.getId());
      if (c.unit == CalendarPartitioning.Unit.WEEK) {
        node.put("firstDayOfWeek", c.firstDay.name());
      }
      node.put("name", c.name);
    } else if (p instanceof CronPartitioning c) {
      node.put("type", "cron");
      node.put("expression", c.expression);
      node.put("zone", c.zone.getId());
      node.put("name", c.name);
    } else if (p instanceof StaticKeyPartitioning k) {
      node.put("type", "keys");
      ArrayNode keys = node.putArray("keys");
      k.keys.forEach(keys::add);
      node.put("name", k.name);
    } else if (p instanceof MultiPartitioning m) {
      node.put("type", "multi");
      ArrayNode dims = node.putArray("dimensions");
      m.parts.forEach(d -> dims.add(partitioning(d)));
    }
    // Written only when set, so that plans of partitionings without them read as before.
    p.firstPartition().ifPresent(first -> node.put("startingAt", first.value()));
    if (p.endOffset() != 0 && !(p instanceof MultiPartitioning)) {
      node.put("endOffset", p.endOffset());
    }
    return node;
  }

  private static Partitioning bounded(Partitioning p, JsonNode node) {
    Partitioning bounded = p;
    if (node.has("startingAt")) {
      bounded = bounded.startingAt(text(node, "partitioning.startingAt", "startingAt"));
    }
    if (node.has("endOffset")) {
      bounded = bounded.withEndOffset(integer(node, "partitioning.endOffset", "endOffset"));
    }
    return bounded;
  }

  static Partitioning partitioning(JsonNode node) {
    return bounded(unbounded(node), node);
  }

  private static Partitioning unbounded(JsonNode node) {
    String type = text(node, "partitioning.type", "type");
    return switch (type) {
      case "hourly" -> Partitioning.hourly(zone(node)).named(text(node, "partitioning.name", "name"));
      case "daily" -> Partitioning.daily(zone(node)).named(text(node, "partitioning.name", "name"));
      case "weekly" -> Partitioning.weekly(zone(node),
          constant(DayOfWeek.class, field(node, "partitioning.firstDayOfWeek", "firstDayOfWeek"), "partitioning.firstDayOfWeek"))
          .named(text(node, "partitioning.name", "name"));
      case "monthly" -> Partitioning.monthly(zone(node)).named(text(node, "partitioning.name", "name"));
      case "yearly" -> Partitioning.yearly(zone(node)).named(text(node, "partitioning.name", "name"));
      case "cron" -> Partitioning.cron(text(node, "partitioning.expression", "expression"), zone(node))
          .named(text(node, "partitioning.name", "name"));
      case "keys" -> {
        List<String> keys = new ArrayList<>();
        for (JsonNode k : array(node, "partitioning.keys", "keys")) {
          if (!k.isTextual()) {
            throw new PlanIntegrityException("plan JSON partitioning.keys holds " + k + "; expected text keys");
          }
          keys.add(k.asText());
        }
        yield Partitioning.keys(keys).named(text(node, "partitioning.name", "name"));
      }
      case "multi" -> {
        List<Partitioning> dims = new ArrayList<>();
        for (JsonNode d : array(node, "partitioning.dimensions", "dimensions")) {
          dims.add(partitioning(d));
        }
        if (dims.size() < 2) {
          throw new PlanIntegrityException("multi partitioning with " + dims.size() + " dimension(s); expected 2 or more");
        }
        yield new MultiPartitioning(dims);
      }
      default -> throw new PlanIntegrityException("unknown partitioning type '" + type
          + "'; expected hourly, daily, weekly, monthly, yearly, cron, keys or multi");
    };
  }

  private static ZoneId zone(JsonNode node) {
    return Partitioning.zone(text(node, "partitioning.zone", "zone"));
  }

  // ---- typed field access: a missing or mistyped field is named in the message -------------

  private static JsonNode field(@Nullable JsonNode node, String path, String field) {
    JsonNode value = node == null ? null : node.get(field);
    if (value == null || value.isNull()) {
      throw new PlanIntegrityException("plan JSON lacks field '" + path + "'; expected the text written by"
          + " BackfillPlan.toJson()");
    }
    return value;
  }

  private static @Nullable JsonNode nullable(@Nullable JsonNode node, String path, String field) {
    if (node == null || !node.has(field)) {
      throw new PlanIntegrityException("plan JSON lacks field '" + path + "' (null when unset)");
    }
    JsonNode value = node.get(field);
    return value.isNull() ? null : value;
  }

  private static JsonNode object(JsonNode node, String field) {
    JsonNode value = field(node, field, field);
    if (!value.isObject()) {
      throw new PlanIntegrityException("plan JSON field '" + field + "' is " + value + "; expected an object");
    }
    return value;
  }

  private static JsonNode array(JsonNode node, String path, String field) {
    JsonNode value = field(node, path, field);
    if (!value.isArray()) {
      throw new PlanIntegrityException("plan JSON field '" + path + "' is " + value + "; expected an array");
    }
    return value;
  }

  private static String text(JsonNode node, String field) {
    return text(node, field, field);
  }

  private static String text(JsonNode node, String path, String field) {
    JsonNode value = field(node, path, field);
    if (!value.isTextual()) {
      throw new PlanIntegrityException("plan JSON field '" + path + "' is " + value + "; expected text");
    }
    return value.asText();
  }

  private static @Nullable String nullableText(JsonNode node, String path, String field) {
    JsonNode value = nullable(node, path, field);
    return value == null ? null : text(node, path, field);
  }

  private static long number(JsonNode value, String path) {
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new PlanIntegrityException("plan JSON field '" + path + "' is " + value + "; expected a whole number");
    }
    return value.longValue();
  }

  private static int integer(JsonNode node, String path, String field) {
    return integer(field(node, path, field), path);
  }

  private static int integer(JsonNode value, String path) {
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw new PlanIntegrityException("plan JSON field '" + path + "' is " + value + "; expected a whole number");
    }
    return value.intValue();
  }

  private static boolean bool(JsonNode node, String path, String field) {
    JsonNode value = field(node, path, field);
    if (!value.isBoolean()) {
      throw new PlanIntegrityException("plan JSON field '" + path + "' is " + value + "; expected true or false");
    }
    return value.booleanValue();
  }

  private static <E extends Enum<E>> E constant(Class<E> type, @Nullable JsonNode value, String path) {
    if (value != null && value.isTextual()) {
      for (E e : type.getEnumConstants()) {
        if (e.name().equals(value.asText())) {
          return e;
        }
      }
    }
    throw new PlanIntegrityException("plan JSON field '" + path + "' is " + value + "; expected one of "
        + java.util.Arrays.toString(type.getEnumConstants()));
  }

  /** SHA-256 of the compact JSON of a document without its checksum field, as write() computes it. */
  static String checksum(ObjectNode node) {
    try {
      byte[] bytes = MAPPER.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(sha256().digest(bytes));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot hash plan", e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

}
