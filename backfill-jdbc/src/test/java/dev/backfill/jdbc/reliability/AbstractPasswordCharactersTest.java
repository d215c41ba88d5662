package dev.backfill.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunGuard;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.jdbc.JdbcDestination;
import dev.backfill.jdbc.JdbcSource;
import dev.backfill.jdbc.JdbcStateStore;
import dev.backfill.jdbc.TestDatabase;
import dev.backfill.spi.SourceNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Passwords made of any characters stay out of logs, reports and the state store (issue 14, item 11).
 * A database user whose password holds {@code '}, {@code )}, {@code ;}, {@code ,} and a space (and
 * starts with a quote) backs the pool of the destination and the state store. A slice fails because
 * its source's JDBC URL, password in it (as typed and URL-encoded), has a mistyped scheme, so the
 * driver manager's message repeats the URL; a second run cannot start because a guard fails the same
 * way. Every log event (with stack traces), report and stored row is scanned for the password and for
 * every fragment of it between the special characters.
 */
abstract class AbstractPasswordCharactersTest {
  private TestDatabase db;
  private final String user = "bf_c_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  private final List<String> fragments = new ArrayList<>();
  private String password;
  private HikariDataSource pool;

  abstract TestDatabase.Engine engine();




  /** A JDBC URL whose scheme no driver takes, with user and password as its parameters. */
  abstract String mistypedUrl(TestDatabase db, String user, String password);

  @BeforeEach
  void open() {
    for (int i = 0; i < 7; i++) {
      fragments.add(UUID.randomUUID().toString().replace("-", "").substring(0, 6));
    }
    // Fragments between the characters a masking rule may stop at, and a leading quote.
    password = "'" + fragments.get(0) + "'" + fragments.get(1) + ")" + fragments.get(2) + ";" + fragments.get(3) + ","
        + fragments.get(4) + " " + fragments.get(5) + "'" + fragments.get(6);
    db = TestDatabase.open(engine());
    PasswordUsers.create(engine(), db, user, password);
    pool = new HikariDataSource(PasswordUsers.propertiesConfig(engine(), db, user, password));
  }

  @AfterEach
  void close() {
    try {
      pool.close();
      PasswordUsers.drop(engine(), user);
    } finally {
      db.close();
    }
  }

  @Test
  void aPasswordOfAnyCharactersIsMaskedInLogsReportsAndStoredErrors() throws Exception {
    JdbcStateStore store = JdbcStateStore.create(pool);
    DailyTarget target = new DailyTarget(pool, "orders", DailyTarget.Kind.OVERWRITE, 3);
    target.create();
    String raw = mistypedUrl(db, user, password);
    String encoded = mistypedUrl(db, user, URLEncoder.encode(password, StandardCharsets.UTF_8));
    assertThat(catchThrowable(() -> DriverManager.getConnection(raw))).as("the driver manager's refusal repeats the URL")
        .hasMessageContaining(password);
    SourceNode<Row> rawSource = JdbcSource.query(UrlDataSource.named("DriverManagerSource", raw), "SELECT 1 AS x");
    SourceNode<Row> encodedSource =
        JdbcSource.query(UrlDataSource.named("DriverManagerSource", encoded), "SELECT 1 AS x");
    GeneratedSource local = new GeneratedSource("v2", 3, 0);
    SourceNode<Row> source = (slice, context, sink) -> {
      switch (slice.key()) {
        case "2024-01-02" -> rawSource.read(slice, context, sink);
        case "2024-01-03" -> encodedSource.read(slice, context, sink);
        default -> local.read(slice, context, sink);
      }
    };
    Map<String, String> texts = new LinkedHashMap<>();
    try (LogCapture logs = LogCapture.attach()) {
      Backfill<Row> backfill = target.backfill(source, store);
      RunReport failedSlices = backfill.execute(backfill.plan(PartitionRange.of("2024-01-01", "2024-01-04")),
          ExecutionOptions.builder().retry(RetryPolicy.exponential(2, Duration.ofMillis(10))).build())
          .await(Duration.ofSeconds(60));
      assertThat(failedSlices.status()).as(failedSlices.summary()).isEqualTo(RunStatus.FAILED);
      assertThat(failedSlices.message()).isNotBlank();
      assertThat(logs.containing("slice 2024-01-02 failed")).as("the failed slice, logged").isNotEmpty();

      RunGuard pauseConsumers = new RunGuard() {
        @Override
        public void beforeRun(GuardedRun run) throws Exception {
          DriverManager.getConnection(raw).close();
        }

        @Override
        public void afterRun(GuardedRun run, RunStatus status) {}
      };
      Backfill<Row> guarded = Backfill.builder("orders").partitioning(DailyTarget.DAILY).source(local)
          .destination(JdbcDestination.table(pool, "orders")).strategy(DailyTarget.Kind.OVERWRITE.strategy())
          .guard(pauseConsumers).stateStore(store).logicVersion("v2").build();
      BackfillPlan plan = guarded.plan(PartitionRange.of("2024-01-05", "2024-01-06"));
      Throwable notStarted = catchThrowable(() -> guarded.execute(plan, ExecutionOptions.builder().runId("not-started")
          .build()).await(Duration.ofSeconds(60)));
      assertThat(notStarted).as("the run that could not start").isNotNull();
      assertThat(store.run("not-started").orElseThrow().status()).isEqualTo(RunStatus.FAILED);
      assertThat(store.run("not-started").orElseThrow().message()).isNotBlank();
      assertThat(logs.containing("could not start")).as("the run that could not start, logged").isNotEmpty();

      texts.put("report", failedSlices.summary() + "\n" + failedSlices);
      texts.put("stored report", backfill.report(failedSlices.runId()).toString());
      texts.put("report of the run that could not start", guarded.report("not-started").toString());
      texts.put("run records", store.runs("orders").toString());
      texts.put("slice records", store.slices(failedSlices.runId()) + "\n" + store.slices("not-started"));
      texts.put("attempts", store.attempts(failedSlices.runId()).toString());
      for (String t : List.of("backfill_runs", "backfill_slices", "backfill_attempts")) {
        texts.put("table " + t, String.join("\n", db.lines("SELECT * FROM " + t)));
      }
      List<String> lines = logs.lines();
      for (int n = 0; n < lines.size(); n++) {
        texts.put("log event " + n, lines.get(n));
      }
    }
    List<String> secrets = new ArrayList<>(fragments);
    secrets.add(password);
    secrets.add(URLEncoder.encode(password, StandardCharsets.UTF_8));
    for (Map.Entry<String, String> t : texts.entrySet()) {
      for (String secret : secrets) {
        assertThat(t.getValue()).as("%s must not show the password or a part of it (%s)", t.getKey(), secret)
            .doesNotContain(secret);
      }
    }
    System.out.printf("PASSWORDS %s: a password of %d characters with ' ) ; , and a space; %d texts scanned"
        + " (%d log events) for it and %d fragments; none found%n", engine(), password.length(), texts.size(),
        texts.keySet().stream().filter(k -> k.startsWith("log event")).count(), fragments.size());
  }

}
