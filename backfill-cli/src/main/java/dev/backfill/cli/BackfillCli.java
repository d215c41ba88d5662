package dev.backfill.cli;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.backfill.RunHistory;
import dev.backfill.jdbc.JdbcStateStore;
import java.io.Console;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code backfill} command: the operator's view of a JDBC state store, without the pipeline's
 * code. Runnable as {@code java -jar backfill-cli-<version>-all.jar}.
 *
 * <pre>{@code
 * export BACKFILL_PASSWORD=...                       # or leave it unset and be prompted
 * backfill runs --url jdbc:postgresql://db/etl --user etl
 * backfill show RUN --url ... --user ...             # summary and slices
 * backfill logs RUN 2024-03-05 --url ...             # the slice's captured log lines
 * backfill report RUN --html report.html --url ...
 * backfill cancel RUN [--immediate] --url ...        # every worker, in any JVM, stops
 * backfill mark-failed RUN --url ...                 # for a stalled run
 * }</pre>
 *
 * <p>The password never appears on the command line: it comes from the environment variable named by
 * {@code --password-env} (default {@code BACKFILL_PASSWORD}) or, when that is unset and a terminal is
 * attached, from a prompt; with neither, an empty password is used. Exit status: 0 done, 1 the command
 * failed (the message says why), 2 bad usage.
 */
@Command(name = "backfill", mixinStandardHelpOptions = true, version = "backfill 0.1.0",
    description = "Look at and steer backfill runs recorded in a JDBC state store.",
    subcommands = {Commands.Runs.class, Commands.Show.class, Commands.Logs.class, Commands.Report.class,
        Commands.Cancel.class, Commands.MarkFailed.class})
public final class BackfillCli implements Callable<Integer> {

  /** Creates the command; picocli fills it. */
  public BackfillCli() {}

  /**
   * Runs the command and exits with its status.
   *
   * @param args command-line arguments
   */
  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /**
   * Runs the command without exiting (for tests and embedding).
   *
   * @param args arguments
   * @param out standard output
   * @param err standard error
   * @return the exit status
   */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new BackfillCli()).setOut(out).setErr(err);
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      line.getErr().println("backfill: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return 1;
    });
    return cli.execute(args);
  }

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return 2;
  }

  /** Where the state store is; shared by every subcommand. */
  static final class Store {
    @Option(names = "--url", required = true, description = "JDBC URL of the state store's database.")
    String url;

    @Option(names = "--user", defaultValue = "", description = "Database user.")
    String user;

    @Option(names = "--password-env", defaultValue = "BACKFILL_PASSWORD", paramLabel = "NAME",
        description = "Environment variable holding the password (default: ${DEFAULT-VALUE}); when unset, "
            + "the password is asked for on a terminal.")
    String passwordEnv;

    @Option(names = "--schema", description = "Schema (database on MariaDB) of the state store's tables.")
    @Nullable String schema;

    @Option(names = "--table-prefix", defaultValue = "backfill_", description = "Prefix of the state store's tables.")
    String prefix;

    /** Opens the store; the caller closes the returned pool. */
    Opened open() {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(url);
      config.setUsername(user);
      config.setPassword(password());
      config.setMaximumPoolSize(2);
      config.setMinimumIdle(0);
      config.setPoolName("backfill-cli");
      HikariDataSource ds = new HikariDataSource(config);
      try {
        JdbcStateStore.Builder b = JdbcStateStore.builder(ds).tablePrefix(prefix);
        if (schema != null) {
          b.schema(schema);
        }
        return new Opened(ds, RunHistory.of(b.build()));
      } catch (RuntimeException e) {
        ds.close();
        throw e;
      }
    }

    private String password() {
      String fromEnv = System.getenv(passwordEnv);
      if (fromEnv != null) {
        return fromEnv;
      }
      Console console = System.console();
      if (console == null) {
        return "";
      }
      char[] typed = console.readPassword("password for %s at %s: ", user, url);
      return typed == null ? "" : new String(typed);
    }
  }

  /** An open state store and its pool. */
  record Opened(HikariDataSource pool, RunHistory history) implements AutoCloseable {
    @Override
    public void close() {
      pool.close();
    }
  }

  /** Who the CLI acts as, for the run history: {@code user@host (backfill cli)}. */
  static String operator() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "localhost";
    }
    return System.getProperty("user.name", "?") + "@" + host + " (backfill cli)";
  }
}
