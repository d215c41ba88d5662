package dev.backfill.cli;

import dev.backfill.Backfill;
import dev.backfill.Partitioning;
import dev.backfill.Row;
import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.JdbcDestination;
import dev.backfill.jdbc.JdbcStateStore;
import dev.backfill.jdbc.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A daily backfill into a table of a test database, and the CLI run in this JVM or as a process. */
final class CliFixture {
  private static final Logger log = LoggerFactory.getLogger("dev.backfill.cli.test.Pipeline");

  private CliFixture() {}

  /** A backfill of {@code daily(day, n)} whose slices each take {@code millis} and log a line. */
  static Backfill<Row> backfill(TestDatabase db, long millis, String failOn) {
    db.exec("CREATE TABLE daily (" + db.q("day") + " DATE NOT NULL, n INT NOT NULL)");
    return Backfill.builder("daily")
        .partitioning(Partitioning.daily(ZoneOffset.UTC).named("day"))
        .<Row>source((slice, ctx, sink) -> {
          LocalDate day = (LocalDate) slice.tokens().get("start_date");
          log.info("reading {} for the CLI test", day);
          if (day.toString().equals(failOn)) {
            throw new IllegalStateException("upstream has no data for " + day);
          }
          Thread.sleep(millis);
          sink.accept(Row.of("day", day, "n", day.getDayOfMonth()));
        })
        .destination(JdbcDestination.table(db.dataSource(), "daily"))
        .strategy(WriteStrategy.overwritePartition("day"))
        .stateStore(JdbcStateStore.create(db.dataSource()))
        .build();
  }

  /** The store options every command takes. */
  static List<String> store(TestDatabase db) {
    return List.of("--url", db.jdbcUrl(), "--user", db.user(), "--password-env", "BACKFILL_TEST_NO_PASSWORD");
  }

  /** Runs the CLI in this JVM. */
  static Result run(TestDatabase db, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(store(db));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = BackfillCli.run(all.toArray(new String[0]), new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(status, out.toString(), err.toString());
  }

  /** What a command printed and returned. */
  record Result(int status, String out, String err) {}
}
