package dev.backfill;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * JSON form of a {@link BackfillPlan}. Selected partitions are stored as runs
 * {@code [firstKey, count, reason]}; a SHA-256 checksum over the rest of the document detects
 * edits, and decoding re-validates every key against the partitioning.
 */
final class PlanJson {
  static final String FORMAT = "backfill-plan/1";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private PlanJson() {}

  static String write(BackfillPlan plan) {
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
    BackfillPlan.Unavailable u = plan.unavailable();
    ObjectNode unavailable = root.putObject("unavailable");
    unavailable.put("partitions", u.partitions());
    unavailable.put("first", u.first());
    unavailable.put("last", u.last());
    unavailable.put("detail", u.detail());
    CostEstimate.Inputs c = plan.costInputs();
    ObjectNode cost = root.putObject("costInputs");
    cost.put("rows", c.rows());
    cost.put("estimatedPartitions", c.estimatedPartitions());
    cost.put("estimatesAsked", c.estimatesAsked());
    cost.put("historyMillis", c.historyMillis());
    cost.put("historyPartitions", c.historyPartitions());
    ArrayNode segments = root.putArray("segments");
    long[] starts = plan.segmentStarts();
    int[] counts = plan.segmentCounts();
    byte[] reasons = plan.segmentReasons();
    for (int s = 0; s < starts.length; s++) {
      segments.addArray()
          .add(plan.sequence().keyAt(starts[s]).value())
          .add(counts[s])
          .add(Selection.values()[reasons[s]].name());
    }
    root.put("checksum", checksum(root));
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise plan of " + plan.target(), e);
    }
  }

  static BackfillPlan read(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new PlanIntegrityException("plan JSON does not parse: " + e.getOriginalMessage()
          + "; expected the text written by BackfillPlan.toJson()");
    }
    if (!(root instanceof ObjectNode object) || !FORMAT.equals(root.path("format").asText())) {
      throw new PlanIntegrityException("plan JSON has format '" + root.path("format").asText()
          + "'; expected " + FORMAT);
    }
    String stated = object.path("checksum").asText("");
    ObjectNode copy = object.deepCopy();
    copy.remove("checksum");
    String actual = checksum(copy);
    if (!actual.equals(stated)) {
      throw new PlanIntegrityException("plan JSON checksum mismatch: it says '" + stated + "' but the content hashes to '"
          + actual + "'; the plan was edited after it was written, make a new plan instead");
    }
    try {
      return decode(object);
    } catch (BackfillException | IllegalArgumentException | DateTimeException | NullPointerException e) {
      throw new PlanIntegrityException("plan JSON is not a valid plan: " + e.getMessage(), e);
    }
  }

  private static BackfillPlan decode(ObjectNode root) {
    String target = text(root, "target");
    Partitioning partitioning = partitioning(root.get("partitioning"));
    PartitionRange range = new PartitionRange(text(root.get("range"), "start"), text(root.get("range"), "end"));
    JsonNode o = root.get("options");
    Set<Selection> selection = EnumSet.noneOf(Selection.class);
    o.get("selection").forEach(s -> selection.add(Selection.valueOf(s.asText())));
    JsonNode maxRows = o.get("maxRows");
    JsonNode maxDuration = o.get("maxDuration");
    PlanOptions options = new PlanOptions(selection, PlanOptions.Order.valueOf(text(o, "order")),
        o.get("batchSize").intValue(), PlanOptions.Unavailable.valueOf(text(o, "unavailable")),
        o.get("concurrency").intValue(), o.get("estimateRows").booleanValue(),
        maxRows == null || maxRows.isNull() ? null : maxRows.longValue(),
        maxDuration == null || maxDuration.isNull() ? null : Duration.parse(maxDuration.asText()),
        text(o, "environment"));
    JsonNode u = root.get("unavailable");
    BackfillPlan.Unavailable unavailable = u.get("partitions").longValue() == 0 ? BackfillPlan.Unavailable.NONE
        : new BackfillPlan.Unavailable(u.get("partitions").longValue(), nullableText(u, "first"),
            nullableText(u, "last"), text(u, "detail"));
    JsonNode c = root.get("costInputs");
    CostEstimate.Inputs cost = new CostEstimate.Inputs(c.get("rows").longValue(),
        c.get("estimatedPartitions").longValue(), c.get("estimatesAsked").booleanValue(),
        c.get("historyMillis").longValue(), c.get("historyPartitions").longValue());
    PartitionSequence seq = partitioning.enumerate(range);
    JsonNode segs = root.get("segments");
    long[] starts = new long[segs.size()];
    int[] counts = new int[segs.size()];
    byte[] reasons = new byte[segs.size()];
    long end = 0;
    for (int s = 0; s < segs.size(); s++) {
      JsonNode seg = segs.get(s);
      String key = seg.get(0).asText();
      long start = seq.indexOf(partitioning.parse(key));
      int count = seg.get(1).intValue();
      if (start < 0 || count < 1 || start < end || start + count > seq.size()) {
        throw new PlanIntegrityException("segment " + s + " [" + key + ", " + count + "] does not fit range " + range
            + " after the previous segment; expected ascending, non-overlapping runs inside the range");
      }
      starts[s] = start;
      counts[s] = count;
      reasons[s] = (byte) Selection.valueOf(seg.get(2).asText()).ordinal();
      end = start + count;
    }
    return new BackfillPlan(target, partitioning, range, options, text(root, "logicVersion"),
        Instant.parse(text(root, "createdAt")), seq, starts, counts, reasons, unavailable, cost);
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
    return node;
  }

  static Partitioning partitioning(JsonNode node) {
    String type = text(node, "type");
    return switch (type) {
      case "hourly" -> Partitioning.hourly(zone(node)).named(text(node, "name"));
      case "daily" -> Partitioning.daily(zone(node)).named(text(node, "name"));
      case "weekly" -> Partitioning.weekly(zone(node), DayOfWeek.valueOf(text(node, "firstDayOfWeek"))).named(text(node, "name"));
      case "monthly" -> Partitioning.monthly(zone(node)).named(text(node, "name"));
      case "keys" -> {
        List<String> keys = new ArrayList<>();
        node.get("keys").forEach(k -> keys.add(k.asText()));
        yield Partitioning.keys(keys).named(text(node, "name"));
      }
      case "multi" -> {
        List<Partitioning> dims = new ArrayList<>();
        node.get("dimensions").forEach(d -> dims.add(partitioning(d)));
        if (dims.size() < 2) {
          throw new PlanIntegrityException("multi partitioning with " + dims.size() + " dimension(s); expected 2 or more");
        }
        yield new MultiPartitioning(dims);
      }
      default -> throw new PlanIntegrityException("unknown partitioning type '" + type
          + "'; expected hourly, daily, weekly, monthly, keys or multi");
    };
  }

  private static ZoneId zone(JsonNode node) {
    return Partitioning.zone(text(node, "zone"));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    if (value == null || !value.isTextual()) {
      throw new PlanIntegrityException("plan JSON lacks text field '" + field + "'");
    }
    return value.asText();
  }

  private static @Nullable String nullableText(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static String checksum(ObjectNode node) {
    try {
      byte[] bytes = MAPPER.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (JsonProcessingException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot hash plan", e);
    }
  }
}
