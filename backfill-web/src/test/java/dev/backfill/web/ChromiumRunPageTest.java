package dev.backfill.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.BackfillRun;
import dev.backfill.CancelMode;
import dev.backfill.ExecutionOptions;
import dev.backfill.InMemoryStateStore;
import dev.backfill.PartitionRange;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunHistory;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.RunSummary;
import dev.backfill.SliceStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The HTML report and the live run page in a real browser (Debian's headless Chromium driven by
 * Selenium): the counts a person sees match the state store, a click on "Cancel (graceful)" stops a
 * running backfill, and hostile keys, errors and log lines show as text. Screenshots land in
 * {@code target/screenshots/} for humans. Skipped, with a message, only when Chromium and its driver
 * are not installed ({@code .ci/run} installs them).
 */
class ChromiumRunPageTest {
  private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  private static final Path DRIVER = Paths.get("/usr/bin/chromedriver");
  private static final Path OUT = Paths.get("target", "screenshots");
  private static WebDriver browser;

  private InMemoryStateStore store;
  private RunPage page;

  @BeforeAll
  static void openBrowser() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
        "Chromium is not installed (" + CHROMIUM + ", " + DRIVER + "): install the Debian packages chromium and"
            + " chromium-driver, as .ci/run does; skipping the browser test");
    Files.createDirectories(OUT);
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
        .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
            "--window-size=1280,1600", "--user-data-dir=" + Files.createTempDirectory("backfill-chromium"));
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
        .usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  static void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @BeforeEach
  void start() {
    store = new InMemoryStateStore();
    page = RunPage.builder(store).start();
  }

  @AfterEach
  void stop() {
    page.close();
  }

  @Test
  void theReportAndTheRunPageShowTheStoresCounts() throws Exception {
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    Backfill<Row> backfill = WebFixture.daily(store, 5, "2024-03-04");
    RunReport report = backfill.execute(backfill.plan(PartitionRange.of("2024-03-01", "2024-03-10")),
        ExecutionOptions.builder().maxConcurrency(2).retry(RetryPolicy.none()).build()).await();
    RunSummary stored = RunHistory.of(store).summary(report.runId()).orElseThrow();
    Path html = RunHistory.of(store).writeHtml(report.runId(), OUT.resolve("report.html")).toAbsolutePath();

    browser.get(html.toUri().toString());
    assertThat(text("count-total")).isEqualTo(String.valueOf(stored.slices()));
    assertThat(text("count-succeeded")).isEqualTo(String.valueOf(stored.count(SliceStatus.SUCCEEDED)));
    assertThat(text("count-failed")).isEqualTo("1");
    assertThat(browser.findElements(By.cssSelector("#slices tr.slice"))).hasSize(10);
    assertThat(browser.findElement(By.cssSelector("tr.slice[data-key='2024-03-04'] td.error")).getText())
        .contains("no upstream data for 2024-03-04");
    assertThat(browser.findElements(By.cssSelector("#timeline rect"))).hasSize(10);
    screenshot("report.png");

    browser.get(page.url().toString());
    assertThat(browser.findElement(By.cssSelector("#runs tr.run")).getText()).contains(report.runId(), "FAILED", "10 / 10");
    browser.findElement(By.linkText(report.runId())).click();
    assertThat(text("run-state")).isEqualTo("FAILED");
    assertThat(text("count-done")).isEqualTo("10");
    assertThat(browser.findElements(By.id("cancel-form"))).isEmpty();
    screenshot("run-page-finished.png");
  }

  @Test
  void clickingCancelOnTheLivePageStopsARunningBackfill() throws Exception {
    Backfill<Row> backfill = WebFixture.daily(store, 200, "none");
    BackfillRun run = backfill.execute(backfill.plan(PartitionRange.of("2024-01-01", "2024-03-31")),
        ExecutionOptions.builder().leaseTime(Duration.ofSeconds(3)).build());
    RunHistory history = RunHistory.of(store);
    while (history.summary(run.runId()).orElseThrow().count(SliceStatus.SUCCEEDED) < 2) {
      Thread.sleep(20);
    }

    browser.get(page.runUrl(run.runId()).toString());
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(b -> !b.findElement(By.id("token")).getAttribute("value").isEmpty());
    assertThat(text("run-state")).isEqualTo("RUNNING");
    assertThat(text("count-total")).isEqualTo("91");
    int shownDone = Integer.parseInt(text("count-done"));
    assertThat(shownDone).isBetween(2, history.summary(run.runId()).orElseThrow().done());
    screenshot("run-page-running.png");
    browser.findElement(By.id("cancel-graceful")).click();

    RunReport report = run.await(Duration.ofSeconds(30));
    assertThat(report.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(report.count(SliceStatus.SUCCEEDED)).isBetween(2, 90);
    assertThat(history.run(run.runId()).cancelRequest().mode()).isEqualTo(CancelMode.GRACEFUL);
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(b -> {
      b.navigate().refresh();
      return b.findElement(By.id("run-state")).getText().equals("CANCELLED");
    });
    assertThat(text("cancel-requested")).startsWith("cancel requested (GRACEFUL) by run page");
    assertThat(text("count-succeeded")).isEqualTo(String.valueOf(report.count(SliceStatus.SUCCEEDED)));
    screenshot("run-page-cancelled.png");
  }

  @Test
  void hostileKeysErrorsAndLogLinesShowAsTextInTheReportAndThePage() throws Exception {
    String runId = WebFixture.hostileRun(store);
    Path html = RunHistory.of(store).writeHtml(runId, OUT.resolve("hostile-report.html")).toAbsolutePath();

    for (String url : new String[] {html.toUri().toString(), page.url().resolve("runs/" + runId).toString()}) {
      browser.get(url);
      assertThat(browser.getTitle()).isEqualTo("Backfill run " + runId);
      assertThat(browser.findElement(By.cssSelector("tr.slice td.key")).getText()).isEqualTo(WebFixture.KEY);
      assertThat(browser.findElement(By.cssSelector("tr.slice td.error")).getText()).isEqualTo(
          WebFixture.ERROR);
      browser.findElement(By.cssSelector("tr.slice details summary")).click();
      assertThat(browser.findElement(By.cssSelector("tr.slice pre.log")).getText()).isEqualTo(WebFixture.LOG);
      assertThat(browser.findElements(By.cssSelector("#slices b, #slices i, #facts b, #facts i, #timeline i"))).isEmpty();
    }
    screenshot("hostile-run-page.png");
    browser.get(page.url().toString());
    assertThat(browser.getTitle()).isEqualTo("Backfill runs");
    assertThat(browser.findElement(By.cssSelector("#runs tr.run")).getText()).contains("<script>document.title='pwned-message'</script>");
  }

  private static String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  private static void screenshot(String name) throws Exception {
    Files.write(OUT.resolve(name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }
}
