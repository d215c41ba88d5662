package dev.backfill;

import static dev.backfill.Fixtures.daily;
import static dev.backfill.Fixtures.source;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

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
}
