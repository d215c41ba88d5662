package dev.backfill.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.Backfill;
import dev.backfill.BackfillRun;
import dev.backfill.CancelMode;
import dev.backfill.ExecutionOptions;
import dev.backfill.InMemoryStateStore;
import dev.backfill.InvalidConfigurationException;
import dev.backfill.PartitionRange;
import dev.backfill.Row;
import dev.backfill.RunHistory;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The run page's HTTP surface: JSON endpoints, logs, the token that cancel needs, escaping, errors. */
class RunPageTest {
  private static final String TOKEN = "0123456789abcdef-token";
  private final HttpClient http = HttpClient.newHttpClient();
  private InMemoryStateStore store;
  private RunPage page;

  @BeforeEach
  void start() {
    store = new InMemoryStateStore();
    page = RunPage.builder(store).accessToken(TOKEN).start();
  }

  @AfterEach
  void stop() {
    page.close();
  }

  @Test
  void servesRunsAndARunAsJsonAndPagesOnLoopbackOnly() throws Exception {
    Backfill<Row> backfill = WebFixture.daily(store, 0, "2024-03-02");
    RunReport report = backfill.execute(backfill.plan(PartitionRange.of("2024-03-01", "2024-03-03"))).await();

    assertThat(page.url().getHost()).isEqualTo("127.0.0.1");
    assertThat(get("api/runs").body()).contains("\"runId\" : \"" + report.runId() + "\"", "\"state\" : \"FAILED\"");
    assertThat(get("api/runs?status=SUCCEEDED").body()).isEqualTo("[ ]");
    assertThat(get("api/runs/" + report.runId()).body()).contains("\"key\" : \"2024-03-02\"",
        "no upstream data for 2024-03-02");
    HttpResponse<String> html = get("runs/" + report.runId());
    assertThat(html.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
        assertThat(csp).contains("script-src 'nonce-"));
    assertThat(html.body()).contains("id=\"count-succeeded\">2<", "id=\"count-failed\">1<", "2024-03-02");
    assertThat(get("").body()).contains(report.runId(), "FAILED", "3 / 3");
    assertThat(get("api/runs?status=DONE").statusCode()).isEqualTo(400);
    assertThat(get("api/runs?status=DONE").body()).contains("status 'DONE' is not a run status");
    assertThat(get("runs/no-such-run").statusCode()).isEqualTo(404);
  }

  @Test
  void cancelNeedsTheAccessTokenAndThenStopsTheRun() throws Exception {
    Backfill<Row> backfill = WebFixture.daily(store, 100, "none");
    BackfillRun run = backfill.execute(backfill.plan(PartitionRange.of("2024-01-01", "2024-03-31")),
        ExecutionOptions.builder().leaseTime(Duration.ofSeconds(3)).build());

    assertThat(post("api/runs/" + run.runId() + "/cancel?mode=IMMEDIATE", null).statusCode()).isEqualTo(403);
    assertThat(post("api/runs/" + run.runId() + "/cancel?mode=IMMEDIATE", "wrong-token-0123456").statusCode())
        .isEqualTo(403);
    assertThat(store.cancelRequest(run.runId())).isEmpty();
    HttpResponse<String> ok = post("api/runs/" + run.runId() + "/cancel?mode=IMMEDIATE", TOKEN);

    assertThat(ok.statusCode()).isEqualTo(202);
    assertThat(ok.body()).contains("cancel (IMMEDIATE) requested for run " + run.runId());
    RunReport report = run.await(Duration.ofSeconds(30));
    assertThat(report.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(RunHistory.of(store).run(run.runId()).cancelRequest().mode()).isEqualTo(CancelMode.IMMEDIATE);
    assertThat(post("api/runs/" + run.runId() + "/cancel", TOKEN).statusCode()).isEqualTo(409);
  }

  @Test
  void hostileKeysErrorsAndLogLinesAreServedAsTextNeverAsMarkup() throws Exception {
    String runId = WebFixture.hostileRun(store);

    for (String body : new String[] {get("runs/" + runId).body(), get("runs/" + runId + "/report.html").body(),
        get("").body(), RunHistory.of(store).run(runId).toHtml()}) {
      assertThat(body).doesNotContain("<script>document.title", "<b>no</b>", "<i>");
    }
    assertThat(get("runs/" + runId).body()).contains("&lt;script&gt;document.title=&#39;pwned-key&#39;&lt;/script&gt;",
        "&lt;script&gt;document.title=&#39;pwned-error&#39;", "&lt;script&gt;document.title=&#39;pwned-log&#39;",
        "worker-&lt;i&gt;1&lt;/i&gt;");
    assertThat(get("api/runs/" + runId + "/logs/" + Routes.encode(WebFixture.KEY)).body()).contains(WebFixture.LOG);
  }

  @Test
  void badSettingsAreRefusedWithTheValueAndTheExpectedForm() {
    assertThatThrownBy(() -> RunPage.builder(store).accessToken("short")).isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("the access token is too short (5 characters); expected at least 16");
    assertThatThrownBy(() -> RunPage.builder(store).port(70_000)).isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("port 70000 is not allowed; expected 0 (any free port) to 65535");
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(page.url().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(page.url() + path)).POST(HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
