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
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.jdbc.JdbcChecks;
import dev.backfill.jdbc.JdbcSource;
import dev.backfill.jdbc.JdbcStateStore;
import dev.backfill.jdbc.TestDatabase;
import dev.backfill.spi.SourceNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Passwords stay out of everything the library produces. A database user with a random password
 * (created for the test, dropped afterwards) reaches the database through a pool with the password
 * in the JDBC URL, a pool with it in the DataSource properties, and the driver's own DataSource.
 * Each runs a backfill with a JDBC state store on the same DataSource, a SQL check, and a slice
 * whose source database is unreachable (a JDBC URL carrying the password, pointing at a closed
 * port). Then the failure paths: wrong credentials, a connection error, a pool that times out.
 * Every log event (DEBUG for {@code dev.backfill}, with stack traces), plan (JSON and table), report,
 * state store row, description and exception (message and stack trace) is scanned.
 */
abstract class AbstractPasswordTest {
  private TestDatabase db;
  private final String user = "bf_u_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  private final String password = "Pw" + UUID.randomUUID().toString().replace("-", "").substring(0, 18);
  private final String wrongPassword = "Wrong" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  private final List<AutoCloseable> pools = new ArrayList<>();

  abstract TestDatabase.Engine engine();



  /** A JDBC URL to the test's namespace with user and password in it; {@code port} 1 is closed. */
  abstract String url(TestDatabase db, int port, String user, String password);


  /** The driver's own DataSource with user and password set. */
  abstract DataSource driverDataSource(TestDatabase db, String user, String password) throws Exception;

  /** A login that the server refuses. */
  abstract String refusedUser(String user);

  @BeforeEach
  void open() {
    db = TestDatabase.open(engine());
    PasswordUsers.create(engine(), db, user, password);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable p : pools) {
      p.close();
    }
    try {
      PasswordUsers.drop(engine(), user);
    } finally {
      db.close();
    }
  }

  @Test
  void passwordsNeverAppearInLogsPlansReportsStateOrErrors() throws Exception {
    Map<String, String> texts = new LinkedHashMap<>();
    long t0 = System.nanoTime();
    try (LogCapture logs = LogCapture.attach()) {
      HikariConfig inUrl = new HikariConfig();
      inUrl.setJdbcUrl(url(db, port(), user, password));
      inUrl.setMaximumPoolSize(6);
      Map<String, DataSource> sources = new LinkedHashMap<>();
      sources.put("password in the JDBC URL", pool(inUrl));
      sources.put("password in the DataSource properties",
          pool(PasswordUsers.propertiesConfig(engine(), db, user, password)));
      sources.put("the driver's DataSource", driverDataSource(db, user, password));
      int i = 0;
      for (Map.Entry<String, DataSource> e : sources.entrySet()) {
        backfill(e.getKey(), e.getValue(), "pw_" + i++, texts);
      }

      // Failure paths before any run: wrong credentials, nothing listening, a pool that times out.
      texts.put("error: wrong credentials", failure(() -> JdbcStateStore.create(
          driverDataSource(db, refusedUser(user), wrongPassword))));
      texts.put("error: connection refused", failure(() -> JdbcStateStore.create(
          UrlDataSource.showingItsUrl(url(db, 1, user, password)))));
      HikariConfig lazy = new HikariConfig();
      lazy.setJdbcUrl(url(db, 1, user, password));
      lazy.setInitializationFailTimeout(-1);
      lazy.setConnectionTimeout(300);
      texts.put("error: pool cannot connect", failure(() -> JdbcStateStore.create(pool(lazy))));

      List<String> lines = logs.lines();
      assertThat(lines).as("DEBUG events of dev.backfill were captured").anyMatch(l -> l.startsWith("DEBUG dev.backfill"));
      assertThat(logs.containing("failed after 2 attempt(s)")).as("the unreachable source's failure, logged").hasSize(3);
      assertThat(logs.containing("failed after 4 attempt(s)")).as("its failure again on resume, logged").hasSize(3);
      for (int n = 0; n < lines.size(); n++) {
        texts.put("log event " + n, lines.get(n));
      }
    }
    assertThat(texts.get("error: wrong credentials")).contains(refusedUser(user));

    // The scan can fail: a DataSource printed into a message would carry the password.
    assertThat(UrlDataSource.showingItsUrl(url(db, 1, user, password)).toString()).contains(password);
    List<String> secrets = List.of(password, wrongPassword, URLEncoder.encode(password, StandardCharsets.UTF_8));
    long chars = 0;
    for (Map.Entry<String, String> t : texts.entrySet()) {
      chars += t.getValue().length();
      for (String secret : secrets) {
        assertThat(t.getValue()).as("%s must not show the password", t.getKey()).doesNotContain(secret);
      }
    }
    System.out.printf("PASSWORDS %s: user %s over 3 DataSource setups and 3 failure paths; %d texts (%d log events,"
            + " plans, reports, state rows, descriptions, errors), %d characters scanned, no password found; %d ms%n",
        engine(), user, texts.size(), texts.keySet().stream().filter(k -> k.startsWith("log event")).count(), chars,
        (System.nanoTime() - t0) / 1_000_000);
  }

  private void backfill(String setup, DataSource ds, String table, Map<String, String> texts) throws Exception {
    JdbcStateStore store = JdbcStateStore.create(ds);
    DailyTarget target = new DailyTarget(ds, table, DailyTarget.Kind.OVERWRITE, 3);
    target.create();
    // The source of 2024-01-02 lives on a database that cannot be reached; its URL carries the password.
    DataSource unreachable = UrlDataSource.showingItsUrl(url(db, 1, user, password));
    JdbcSource<Row> remote = JdbcSource.query(unreachable, "SELECT * FROM events WHERE day = :start_date");
    GeneratedSource local = new GeneratedSource("v2", 3, 0);
    SourceNode<Row> source = (slice, context, sink) -> {
      if (slice.key().equals("2024-01-02")) {
        remote.read(slice, context, sink);
      } else {
        local.read(slice, context, sink);
      }
    };
    Backfill<Row> backfill = target.backfill(source, store,
        JdbcChecks.sql("SELECT count(*) FROM {table} WHERE day = :start_date", JdbcChecks.atLeast(1)));
    BackfillPlan plan = backfill.plan(PartitionRange.of("2024-01-01", "2024-01-03"));
    ExecutionOptions options = ExecutionOptions.builder().retry(RetryPolicy.exponential(2, Duration.ofMillis(10))).build();
    RunReport report = backfill.execute(plan, options).await(Duration.ofSeconds(60));
    assertThat(report.status()).as(setup + ": " + report.summary()).isEqualTo(RunStatus.FAILED);
    assertThat(report.slices().get(1).error()).as(setup + ": the unreachable source's error").isNotBlank();
    RunReport resumed = backfill.resume(report.runId(), options).await(Duration.ofSeconds(60));

    texts.put(setup + ": plan JSON", plan.toJson());
    texts.put(setup + ": plan table", plan.describe());
    texts.put(setup + ": plan", plan.toString());
    texts.put(setup + ": report", report.summary() + "\n" + report);
    texts.put(setup + ": report JSON", report.toJson());
    texts.put(setup + ": resumed report", resumed.summary() + "\n" + resumed);
    texts.put(setup + ": stored report", backfill.report(report.runId()).toString());
    texts.put(setup + ": run records", store.runs(table).toString());
    texts.put(setup + ": slice records", store.slices(report.runId()).toString());
    texts.put(setup + ": attempt history", store.attempts(report.runId()).toString());
    texts.put(setup + ": descriptions", store + " " + backfill.stateStore() + " " + remote.describe() + " "
        + backfill.partitioning().describe());
    for (String t : List.of("backfill_runs", "backfill_slices", "backfill_attempts", "backfill_partitions")) {
      texts.put(setup + ": table " + t, String.join("\n", db.lines("SELECT * FROM " + t)));
    }
  }

  private int port() {
    return engine() == TestDatabase.Engine.POSTGRES ? 5432 : 3306;
  }

  private HikariDataSource pool(HikariConfig config) {
    HikariDataSource ds = new HikariDataSource(config);
    pools.add(ds);
    return ds;
  }

  @FunctionalInterface
  private interface Action {
    void run() throws Exception;
  }

  /** The message and stack trace of the failure an action ends in. */
  private static String failure(Action action) {
    Throwable thrown = catchThrowable(action::run);
    assertThat(thrown).as("the failure path failed").isNotNull();
    StringWriter out = new StringWriter();
    thrown.printStackTrace(new PrintWriter(out));
    return thrown.getMessage() + "\n" + out;
  }

}
