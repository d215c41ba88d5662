package dev.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backfill.spi.Availability;
import dev.backfill.spi.Estimate;
import dev.backfill.spi.RecordSink;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SourceNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A persisted plan is read back only as written: any edit is a {@link PlanIntegrityException} naming it. */
class PlanJsonTest {
  static final ObjectMapper MAPPER = new ObjectMapper();
  String json;
  BackfillPlan plan;

  /** Retention before 2024-03-03, 1,000 rows per day. */
  static final class Source implements SourceNode<Row> {
    @Override
    public void read(Slice slice, SliceContext context, RecordSink<? super Row> sink) {}

    @Override
    public Availability availability(Partition partition) {
      return partition.dimensions().get("day").equals(LocalDate.of(2024, 3, 2)) ? Availability.missing("purged") : Availability.AVAILABLE;
    }

    @Override
    public Optional<Estimate> estimate(Partition partition) {
      return Optional.of(Estimate.rows(1_000));
    }
  }

  @BeforeEach
  void plan() {
    Instant now = Instant.parse("2024-06-01T10:15:30.123456789Z");
    InMemoryStateStore store = new InMemoryStateStore(Clock.fixed(now, ZoneOffset.UTC));
    new StoreHistory(store, "orders", now.minus(Duration.ofDays(30)))
        .run("v1", SliceStatus.SUCCEEDED, Duration.ofMinutes(2), "2024-03-04", "2024-03-05");
    Backfill<Row> backfill = Backfill.builder("orders").partitioning(Partitioning.daily(ZoneId.of("Europe/Berlin")))
        .source(new Source()).destination(new TestDestination()).stateStore(store).logicVersion("v2")
        .clock(Clock.fixed(now, ZoneOffset.UTC)).build();
    plan = backfill.plan(PartitionRange.of("2024-03-01", "2024-03-10"), PlanOptions.defaults()
        .onUnavailable(PlanOptions.Unavailable.SKIP).batchSize(2).maxRows(100_000).maxDuration(Duration.ofHours(1))
        .environment("prod"));
    json = plan.toJson();
  }

  ObjectNode tree() throws Exception {
    return (ObjectNode) MAPPER.readTree(json);
  }

  /** Applies an edit and leaves the checksum as written. */
  String edited(Consumer<ObjectNode> edit) throws Exception {
    ObjectNode tree = tree();
    edit.accept(tree);
    return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree);
  }

  /** Applies an edit and signs it again, as a writer with a bug would: only decoding can catch it. */
  String resigned(Consumer<ObjectNode> edit) throws Exception {
    ObjectNode tree = tree();
    edit.accept(tree);
    tree.remove("checksum");
    tree.put("checksum", PlanJson.checksum(tree));
    return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree);
  }

  static void rejected(String text, String... fragments) {
    assertThatThrownBy(() -> BackfillPlan.fromJson(text)).isInstanceOf(PlanIntegrityException.class)
        .hasMessageContainingAll(fragments);
  }

  static ArrayNode segment(ObjectNode tree, int i) {
    return (ArrayNode) tree.get("segments").get(i);
  }

  @Test
  void thePlanUnderTestHasEveryPartOfTheFormat() throws Exception {
    ObjectNode tree = tree();
    assertThat(tree.get("format").asText()).isEqualTo("backfill-plan/1");
    assertThat(tree.get("segments")).hasSize(4);
    assertThat(tree.get("unavailable").get("partitions").asLong()).isEqualTo(1);
    assertThat(tree.get("options").get("maxDuration").asText()).isEqualTo("PT1H");
    assertThat(tree.get("checksum").asText()).hasSize(64);
    assertThat(BackfillPlan.fromJson(json)).isEqualTo(plan);
    assertThat(BackfillPlan.fromJson(json).toJson()).isEqualTo(json);
    assertThat(plan.slices()).extracting(PlannedSlice::key).containsExactly("2024-03-01", "2024-03-03",
        "2024-03-04..2024-03-05", "2024-03-06..2024-03-07", "2024-03-08..2024-03-09", "2024-03-10");
  }

  @Test
  void changingACountIsDetected() throws Exception {
    rejected(edited(t -> segment(t, 0).set(1, MAPPER.getNodeFactory().numberNode(2))),
        "plan JSON checksum mismatch", "the plan was edited after it was written");
  }

  @Test
  void changingAKeyIsDetected() throws Exception {
    rejected(edited(t -> segment(t, 0).set(0, MAPPER.getNodeFactory().textNode("2024-03-02"))), "checksum mismatch");
    rejected(json.replace("\"2024-03-03\"", "\"2024-03-02\""), "checksum mismatch");
  }

  @Test
  void changingTheChecksumIsDetected() throws Exception {
    String stated = tree().get("checksum").asText();
    String other = (stated.charAt(0) == 'a' ? "b" : "a") + stated.substring(1);
    rejected(json.replace(stated, other), "checksum mismatch: it says '" + other + "' but the content hashes to '" + stated + "'");
    rejected(edited(t -> t.remove("checksum")), "checksum mismatch: it says ''");
  }

  @Test
  void removingAFieldIsDetected() throws Exception {
    rejected(edited(t -> ((ObjectNode) t.get("options")).remove("batchSize")), "checksum mismatch");
    rejected(edited(t -> t.remove("costInputs")), "checksum mismatch");
  }

  @Test
  void textThatIsNotAPlanIsRejected() {
    rejected("not json", "plan JSON does not parse", "expected the text written by BackfillPlan.toJson()");
    rejected(json.substring(0, json.length() / 2), "plan JSON does not parse");
    rejected(json + " {}", "plan JSON does not parse");
    rejected("", "plan JSON is empty");
    rejected("[1, 2]", "plan JSON is not an object but an array");
    rejected("{\"format\": \"backfill-plan/0\"}", "plan JSON has format 'backfill-plan/0'; expected backfill-plan/1");
    rejected(json.replaceFirst("\"target\" : \"orders\",", "\"target\" : \"orders\", \"target\" : \"refunds\","),
        "does not parse", "Duplicate field 'target'");
  }

  @Test
  void decodingNamesWhatIsWrongEvenWhenTheChecksumFits() throws Exception {
    rejected(resigned(t -> ((ObjectNode) t.get("options")).remove("batchSize")), "lacks field 'options.batchSize'");
    rejected(resigned(t -> ((ObjectNode) t.get("options")).put("batchSize", "2")),
        "field 'options.batchSize' is \"2\"; expected a whole number");
    rejected(resigned(t -> ((ObjectNode) t.get("options")).put("order", "RANDOM")),
        "field 'options.order' is \"RANDOM\"; expected one of [OLDEST_FIRST, NEWEST_FIRST]");
    rejected(resigned(t -> ((ArrayNode) t.get("options").get("selection")).add("EVERYTHING")),
        "field 'options.selection' is \"EVERYTHING\"");
    rejected(resigned(t -> ((ObjectNode) t.get("partitioning")).put("zone", "Europe/Berln")),
        "not a valid plan", "unknown zone 'Europe/Berln'");
    rejected(resigned(t -> ((ObjectNode) t.get("partitioning")).put("type", "decadely")),
        "unknown partitioning type 'decadely'");
    rejected(resigned(t -> t.remove("costInputs")), "lacks field 'costInputs'");
    rejected(resigned(t -> t.put("createdAt", "yesterday")), "not a valid plan", "yesterday");
    rejected(resigned(t -> ((ObjectNode) t.get("range")).put("end", "2024-02-30")),
        "not a valid plan", "end '2024-02-30' is not a date");
  }

  @Test
  void segmentsMustFitTheRangeAndTheSelection() throws Exception {
    rejected(resigned(t -> segment(t, 2).set(1, MAPPER.getNodeFactory().numberNode(50))),
        "segment 2 [2024-03-04, 50] does not fit range 2024-03-01..2024-03-10");
    rejected(resigned(t -> segment(t, 1).set(0, MAPPER.getNodeFactory().textNode("2024-03-01"))),
        "segment 1 [2024-03-01, 1] does not fit", "ascending, non-overlapping");
    rejected(resigned(t -> segment(t, 0).set(0, MAPPER.getNodeFactory().textNode("2024-02-30"))),
        "not a valid plan", "'2024-02-30' is not a date");
    rejected(resigned(t -> segment(t, 0).set(1, MAPPER.getNodeFactory().numberNode(0))), "segment 0 [2024-03-01, 0] does not fit");
    rejected(resigned(t -> segment(t, 0).set(2, MAPPER.getNodeFactory().textNode("RESTATE"))),
        "segment 0 [2024-03-01, 1] has reason RESTATE but the plan selects only");
    rejected(resigned(t -> ((ArrayNode) t.get("segments")).add(MAPPER.getNodeFactory().textNode("oops"))),
        "segments[4] is \"oops\"; expected [first key, count, reason]");
    rejected(resigned(t -> segment(t, 0).set(1, MAPPER.getNodeFactory().numberNode(1.5))),
        "segments[0] count' is 1.5; expected a whole number");
  }

  @Test
  void everyPartitioningTypeRoundTrips() {
    Instant now = Instant.parse("2024-06-01T00:00:00Z");
    List<Partitioning> all = List.of(
        Partitioning.hourly(ZoneId.of("America/New_York")),
        Partitioning.daily(ZoneOffset.UTC).named("report_day"),
        Partitioning.weekly(ZoneId.of("Asia/Kolkata"), java.time.DayOfWeek.SUNDAY),
        Partitioning.monthly(ZoneId.of("Europe/Berlin")),
        Partitioning.keys("eu", "us \"east\"", "é").named("region"),
        Partitioning.multi(Partitioning.daily(ZoneOffset.UTC), Partitioning.keys("eu", "us").named("region")),
        Partitioning.multi(Partitioning.keys("a", "b").named("tenant"), Partitioning.monthly(ZoneOffset.UTC)));
    List<PartitionRange> ranges = List.of(
        PartitionRange.of("2024-11-03T00", "2024-11-03T03"),
        PartitionRange.of("2024-02-27", "2024-03-02"),
        PartitionRange.of("2024-12-22", "2025-01-12"),
        PartitionRange.of("2024-01", "2024-12"),
        PartitionRange.of("us \"east\"", "é"),
        PartitionRange.of("2024-03-01", "2024-03-03"),
        PartitionRange.of("a|2024-01", "b|2024-03"));
    for (int i = 0; i < all.size(); i++) {
      Backfill<Row> backfill = Backfill.builder("orders").partitioning(all.get(i)).source(new TestSource(1))
          .destination(new TestDestination()).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
      BackfillPlan p = backfill.plan(ranges.get(i), PlanOptions.defaults().select(Selection.RESTATE)
          .order(PlanOptions.Order.NEWEST_FIRST));
      String text = p.toJson();
      BackfillPlan back = BackfillPlan.fromJson(text);
      assertThat(back).as(all.get(i).describe()).isEqualTo(p);
      assertThat(back.toJson()).isEqualTo(text);
      assertThat(back.partitioning().describe()).isEqualTo(all.get(i).describe());
      JsonNode tree;
      try {
        tree = MAPPER.readTree(text);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      assertThat(tree.get("range").get("start").asText()).isEqualTo(ranges.get(i).start());
    }
  }
}
