package dev.backfill;

import static dev.backfill.Fixtures.daily;
import static dev.backfill.Fixtures.source;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backfill.internal.RunLauncher;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SliceRecord;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A run's report and details as JSON: what a script reading {@code backfill show --json} relies on. */
class RunReportJsonTest {

  @Test
  void theReportAndTheDetailsCarryStatusCountsSlicesAndErrors() throws Exception {
    Backfill<Row> backfill = daily(source((s, c) -> {
      if (s.key().equals("2024-03-02")) {
        throw new IllegalStateException("no data for \"2024-03-02\"");
      }
    }), new TestDestination()).build();
    RunReport report = backfill.execute(backfill.plan(PartitionRange.of("2024-03-01", "2024-03-02"))).await();

    JsonNode r = new ObjectMapper().readTree(report.toJson());
    assertThat(r.path("runId").asText()).isEqualTo(report.runId());
    assertThat(r.path("status").asText()).isEqualTo("FAILED");
    assertThat(r.path("counts").path("SUCCEEDED").asInt()).isEqualTo(1);
    assertThat(r.path("slices").get(1).path("error").asText()).contains("no data for \"2024-03-02\"");

    JsonNode d = new ObjectMapper().readTree(backfill.history().run(report.runId()).toJson());
    assertThat(d.path("state").asText()).isEqualTo("FAILED");
    assertThat(d.path("progress").path("done").asInt()).isEqualTo(2);
    assertThat(d.path("slices").get(1).path("attempts").get(0).path("status").asText()).isEqualTo("FAILED");
    assertThat(d.path("options").path("maxConcurrency").asText()).isEqualTo("1");
  }

  static final Instant T0 = Instant.parse("2024-06-01T00:00:00Z");

  /**
   * A cancelled run's report of {@code n} slices as the executor leaves one: the first 2,400 slices
   * finished in 10 ms each (2,398 SUCCEEDED), except slice 1,500 (10 s, the one skew outlier), 1,800 (FAILED) and 2,300
   * (FAILED_CHECK); the rest PENDING. Over 100,000 slices it is the paged view over the store.
   */
  static RunReport bigReport(int n) {
    InMemoryStateStore store = new InMemoryStateStore();
    List<SliceRecord> slices = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String key = "s" + i;
      if (i >= 2_400) {
        slices.add(SliceRecord.pending("r-big", i, key, List.of(key)));
        continue;
      }
      SliceStatus status = i == 1_800 ? SliceStatus.FAILED : i == 2_300 ? SliceStatus.FAILED_CHECK : SliceStatus.SUCCEEDED;
      Instant start = T0.plusSeconds(i);
      Instant end = start.plus(i == 1_500 ? Duration.ofSeconds(10) : Duration.ofMillis(10));
      slices.add(new SliceRecord("r-big", i, key, List.of(key), status, 1, 1, "w-1", null, start, end,
          status == SliceStatus.SUCCEEDED ? 2 : 0, status == SliceStatus.FAILED ? "bad slice " + key : null,
          status == SliceStatus.FAILED_CHECK ? List.of("minRows(1): 0 rows") : List.of(), null));
    }
    RunRecord run = new RunRecord("r-big", "big", RunStatus.CANCELLED, "v1", Guarantee.EXACTLY_ONCE, "{}", n, T0, T0,
        "cancelled");
    store.createRun(run, slices);
    return RunLauncher.report(store, run, T0, T0.plusSeconds(3_000));
  }

  @ParameterizedTest
  @ValueSource(ints = {2_500, 100_500})
  void theJsonOfABigReportCountsEverySliceButListsTheFirstTheFailedAndTheSlowest(int n) throws Exception {
    RunReport report = bigReport(n);

    JsonNode r = new ObjectMapper().readTree(report.toJson());

    assertThat(r.path("counts").path("SUCCEEDED").asInt()).isEqualTo(2_398);
    assertThat(r.path("counts").path("FAILED").asInt()).isEqualTo(1);
    assertThat(r.path("counts").path("FAILED_CHECK").asInt()).isEqualTo(1);
    assertThat(r.path("counts").path("PENDING").asInt()).isEqualTo(n - 2_400);
    List<Integer> indexes = StreamSupport.stream(r.path("slices").spliterator(), false)
        .map(s -> s.path("index").asInt()).toList();
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      expected.add(i);
    }
    expected.addAll(List.of(1_500, 1_800, 2_300));
    assertThat(indexes).as("the first 1,000, the slowest and the failed, in index order").isEqualTo(expected);
    assertThat(r.path("slicesNotShown").asInt()).isEqualTo(n - 1_003);
    assertThat(r.path("slices").get(1_001).path("error").asText()).isEqualTo("bad slice s1800");
    assertThat(r.path("slices").get(1_002).path("checks").get(0).asText()).isEqualTo("minRows(1): 0 rows");
    assertThat(r.path("slices").get(1_000).path("durationMillis").asLong()).isEqualTo(10_000);
  }

  @Test
  void theStreamedJsonOfABigReportHasEverySliceInIndexOrder() throws Exception {
    int n = 100_500;
    RunReport report = bigReport(n);
    StringWriter out = new StringWriter();

    report.writeJson(out);

    int slices = 0;
    try (JsonParser p = new ObjectMapper().createParser(out.toString())) {
      assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "slicesNotShown" -> assertThat(p.getIntValue()).isZero();
          case "counts" -> assertThat(p.readValueAsTree().toString())
              .isEqualTo("{\"PENDING\":" + (n - 2_400) + ",\"SUCCEEDED\":2398,\"FAILED\":1,\"FAILED_CHECK\":1}");
          case "slices" -> {
            while (p.nextToken() == JsonToken.START_OBJECT) {
              JsonNode s = p.readValueAsTree();
              assertThat(s.path("index").asInt()).isEqualTo(slices);
              assertThat(s.path("key").asText()).isEqualTo("s" + slices);
              slices++;
            }
          }
          default -> p.skipChildren();
        }
      }
    }
    assertThat(slices).isEqualTo(n);
  }

  @Test
  void aSmallReportStreamsTheSameJsonItsTextHasAndDescribesItselfWithoutItsSlices() {
    RunReport report = bigReport(1_900);
    StringWriter out = new StringWriter();

    report.writeJson(out);

    assertThat(out.toString()).isEqualTo(report.toJson()).contains("\"slicesNotShown\" : 0");
    assertThat(bigReport(100_500).toString()).startsWith("RunReport[runId=r-big, target=big, status=CANCELLED")
        .contains("slices=100500 {PENDING=98100, SUCCEEDED=2398, FAILED=1, FAILED_CHECK=1}").hasSizeLessThan(400)
        .doesNotContain("s1800");
  }
}
