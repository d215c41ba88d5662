package dev.backfill.web;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpServer;
import dev.backfill.InvalidConfigurationException;
import dev.backfill.RunHistory;
import dev.backfill.spi.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live run page: an HTTP endpoint a host application starts next to its ETL, on the JDK's own
 * HTTP server. It shows the runs of a state store, a run's live progress (completed vs remaining,
 * durations, retries, skew outliers), its slices and their logs, and cancel buttons (graceful and
 * immediate); JSON endpoints sit behind it. It binds to 127.0.0.1 unless told otherwise, is read-only
 * without the access token, and needs the token to cancel.
 *
 * <pre>{@code
 * try (RunPage page = RunPage.builder(stateStore).port(8080).accessToken(System.getenv("BACKFILL_TOKEN")).start()) {
 *   log.info("run page at {}", page.url());          // http://127.0.0.1:8080/
 *   backfill.execute(plan, options).await();
 * }
 * }</pre>
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><td>{@code GET /}</td><td>runs, newest first (HTML)</td></tr>
 *   <tr><td>{@code GET /runs/RUN}</td><td>a run's live page: progress, timeline, durations, slices, logs, cancel</td></tr>
 *   <tr><td>{@code GET /runs/RUN/report.html}</td><td>the self-contained HTML report</td></tr>
 *   <tr><td>{@code GET /api/runs?target=&status=&page=&size=}</td><td>runs as JSON</td></tr>
 *   <tr><td>{@code GET /api/runs/RUN}</td><td>a run with slices, attempts and log excerpts as JSON</td></tr>
 *   <tr><td>{@code GET /api/runs/RUN/logs/PARTITION}</td><td>a slice's captured log lines (text)</td></tr>
 *   <tr><td>{@code POST /api/runs/RUN/cancel?mode=GRACEFUL|IMMEDIATE}</td><td>cancel; header
 *       {@code Authorization: Bearer TOKEN}</td></tr>
 * </table>
 */
public final class RunPage implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RunPage.class);

  private final HttpServer server;
  private final ExecutorService threads;
  private final String token;
  private final URI url;

  private RunPage(Builder b) throws IOException {
    this.token = b.token != null ? b.token : HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    this.server = HttpServer.create(new InetSocketAddress(b.address, b.port), 16);
    this.threads = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "backfill-run-page");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(threads);
    server.createContext("/", new Routes(b.history, token));
    server.start();
    String host = b.address.getHostAddress().contains(":") ? "[" + b.address.getHostAddress() + "]"
        : b.address.getHostAddress();
    this.url = URI.create("http://" + host + ":" + server.getAddress().getPort() + "/");
    log.info("backfill run page at {} (cancel needs the access token)", url);
  }

  /**
   * Starts configuring a run page over a state store.
   *
   * @param store the store whose runs it shows
   * @return a builder
   */
  public static Builder builder(StateStore store) {
    return new Builder(RunHistory.of(requireNonNull(store, "store")));
  }

  /**
   * Returns the page's address, e.g. {@code http://127.0.0.1:8080/}.
   *
   * @return the URL of the runs list
   */
  public URI url() {
    return url;
  }

  /**
   * Returns the address of a run's page, with the access token in the fragment (which browsers never
   * send to the server) so that its cancel buttons work.
   *
   * @param runId run id
   * @return e.g. {@code http://127.0.0.1:8080/runs/r-1#token=...}
   */
  public URI runUrl(String runId) {
    return url.resolve("runs/" + Routes.encode(runId) + "#token=" + token);
  }

  /**
   * Returns the access token that cancel requires.
   *
   * @return the token
   */
  public String accessToken() {
    return token;
  }

  /** Stops the server at once. */
  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  /** Configures a {@link RunPage}. */
  public static final class Builder {
    private final RunHistory history;
    private InetAddress address = InetAddress.getLoopbackAddress();
    private int port;
    private @Nullable String token;

    private Builder(RunHistory history) {
      this.history = history;
    }

    /**
     * Sets the port (default 0: any free port, see {@link RunPage#url()}).
     *
     * @param p 0 to 65535
     * @return this builder
     * @throws InvalidConfigurationException for a port out of range
     */
    public Builder port(int p) {
      if (p < 0 || p > 65_535) {
        throw new InvalidConfigurationException("port " + p + " is not allowed; expected 0 (any free port) to 65535");
      }
      this.port = p;
      return this;
    }

    /**
     * Sets the address to listen on (default 127.0.0.1, reachable from this machine only). Anyone who
     * reaches the page can read the runs, their errors and logs.
     *
     * @param a the address, e.g. {@code InetAddress.getByName("0.0.0.0")}
     * @return this builder
     */
    public Builder bindAddress(InetAddress a) {
      this.address = requireNonNull(a, "address");
      return this;
    }

    /**
     * Sets the token that cancel requires (default: a random one, see {@link RunPage#accessToken()}).
     *
     * @param t at least 16 characters
     * @return this builder
     * @throws InvalidConfigurationException for a shorter token
     */
    public Builder accessToken(String t) {
      if (t == null || t.length() < 16) {
        throw new InvalidConfigurationException("the access token is too short (" + (t == null ? 0 : t.length())
            + " characters); expected at least 16");
      }
      this.token = t;
      return this;
    }

    /**
     * Starts the server.
     *
     * @return the running page; close it to stop
     * @throws UncheckedIOException when the address or port cannot be bound
     */
    public RunPage start() {
      try {
        return new RunPage(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the run page on " + address.getHostAddress() + ":" + port
            + ": " + e.getMessage(), e);
      }
    }
  }
}
