package dev.backfill.web;

import com.google.common.html.HtmlEscapers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.backfill.CancelMode;
import dev.backfill.InvalidConfigurationException;
import dev.backfill.RunDetails;
import dev.backfill.RunFilter;
import dev.backfill.RunHistory;
import dev.backfill.RunStatus;
import dev.backfill.SliceHistory;
import dev.backfill.UnknownRunException;
import dev.backfill.spi.Redaction;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run page's routes. Every page is rendered on the server with every value HTML-escaped, and
 * served with a Content-Security-Policy that lets only the page's own script (by nonce) run, so that
 * a partition key, an error or a log line can never become markup or code. Cancel needs the access
 * token, in a form field or an {@code Authorization: Bearer} header.
 */
final class Routes implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(Routes.class);
  private static final SecureRandom NONCES = new SecureRandom();

  private final RunHistory history;
  private final byte[] token;

  Routes(RunHistory history, String token) {
    this.history = history;
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void handle(HttpExchange x) throws IOException {
    try {
      List<String> path = Arrays.stream(x.getRequestURI().getRawPath().split("/")).filter(s -> !s.isEmpty())
          .map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8)).toList();
      route(x, x.getRequestMethod().toUpperCase(Locale.ROOT), path);
    } catch (UnknownRunException e) {
      send(x, 404, "text/plain", e.getMessage());
    } catch (InvalidConfigurationException | IllegalArgumentException e) {
      send(x, 400, "text/plain", e.getMessage());
    } catch (IllegalStateException e) {
      send(x, 409, "text/plain", e.getMessage());
    } catch (RuntimeException e) {
      log.warn("run page: {} {} failed: {}", x.getRequestMethod(), x.getRequestURI().getPath(), Redaction.describe(e));
      send(x, 500, "text/plain", "the state store could not answer: " + Redaction.describe(e));
    } finally {
      x.close();
    }
  }

  private void route(HttpExchange x, String method, List<String> p) throws IOException {
    int n = p.size();
    boolean get = method.equals("GET");
    boolean post = method.equals("POST");
    if (get && n == 0) {
      String nonce = nonce();
      html(x, nonce, Pages.runs(history.runs(RunFilter.all().page(0, 100)), nonce));
    } else if (get && n == 2 && p.get(0).equals("runs")) {
      String nonce = nonce();
      RunDetails d = history.run(p.get(1));
      html(x, nonce, d.toHtml(Pages.refreshScript(nonce), Pages.controls(d)));
    } else if (get && n == 3 && p.get(0).equals("runs") && p.get(2).equals("report.html")) {
      html(x, nonce(), history.run(p.get(1)).toHtml());
    } else if (post && n == 3 && p.get(0).equals("runs") && p.get(2).equals("cancel")) {
      Map<String, String> form = form(x);
      if (!authorized(form.get("token"))) {
        send(x, 403, "text/plain", "cancel needs the run page's access token");
        return;
      }
      history.cancel(p.get(1), mode(form.get("mode")), "run page (" + x.getRemoteAddress().getAddress().getHostAddress() + ")");
      x.getResponseHeaders().set("Location", "/runs/" + encode(p.get(1)));
      x.sendResponseHeaders(303, -1);
    } else if (get && n == 2 && p.get(0).equals("api") && p.get(1).equals("runs")) {
      send(x, 200, "application/json", RunHistory.toJson(history.runs(filter(query(x)))));
    } else if (get && n == 3 && p.get(0).equals("api") && p.get(1).equals("runs")) {
      send(x, 200, "application/json", history.run(p.get(2)).toJson());
    } else if (get && n == 5 && p.get(0).equals("api") && p.get(3).equals("logs")) {
      SliceHistory slice = history.run(p.get(2)).slice(p.get(4)).orElseThrow(() -> new UnknownRunException(
          "run " + p.get(2) + " has no slice covering '" + p.get(4) + "'"));
      send(x, 200, "text/plain", slice.log());
    } else if (post && n == 4 && p.get(0).equals("api") && p.get(3).equals("cancel")) {
      String auth = x.getRequestHeaders().getFirst("Authorization");
      if (!authorized(auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null)) {
        send(x, 403, "application/json", "{\"error\":\"cancel needs the access token: Authorization: Bearer TOKEN\"}");
        return;
      }
      String message = history.cancel(p.get(2), mode(query(x).get("mode")), "run page API ("
          + x.getRemoteAddress().getAddress().getHostAddress() + ")");
      send(x, 202, "application/json", "{\"message\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
    } else {
      send(x, 404, "text/plain", "no such page: " + method + " " + x.getRequestURI().getPath());
    }
  }

  private boolean authorized(@Nullable String given) {
    return given != null && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
  }

  private static CancelMode mode(@Nullable String value) {
    if (value == null || value.isEmpty()) {
      return CancelMode.GRACEFUL;
    }
    try {
      return CancelMode.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("mode '" + value + "' is not a cancel mode; expected GRACEFUL or IMMEDIATE");
    }
  }

  private static RunFilter filter(Map<String, String> q) {
    RunFilter f = RunFilter.all().target(q.get("target"));
    if (q.containsKey("status")) {
      f = f.status(Arrays.stream(q.get("status").split(",")).map(s -> {
        try {
          return RunStatus.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("status '" + s + "' is not a run status; expected one of "
              + Arrays.toString(RunStatus.values()));
        }
      }).toArray(RunStatus[]::new));
    }
    return f.page(integer(q, "page", 0), integer(q, "size", 50));
  }

  private static int integer(Map<String, String> q, String name, int otherwise) {
    String v = q.get(name);
    try {
      return v == null ? otherwise : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " '" + v + "' is not a number");
    }
  }

  private static Map<String, String> query(HttpExchange x) {
    return pairs(x.getRequestURI().getRawQuery());
  }

  private static Map<String, String> form(HttpExchange x) throws IOException {
    byte[] body = x.getRequestBody().readNBytes(4096);
    return pairs(new String(body, StandardCharsets.UTF_8));
  }

  private static Map<String, String> pairs(@Nullable String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      out.put(k, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String esc(@Nullable Object text) {
    return text == null ? "" : HtmlEscapers.htmlEscaper().escape(text.toString());
  }

  private static String nonce() {
    byte[] b = new byte[12];
    NONCES.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** HTML with a policy that runs no script but the page's own and loads nothing from elsewhere. */
  private static void html(HttpExchange x, String nonce, String body) throws IOException {
    x.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'"
        + " data:; script-src 'nonce-" + nonce + "'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
    send(x, 200, "text/html", body);
  }

  private static void send(HttpExchange x, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    x.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    x.getResponseHeaders().set("Cache-Control", "no-store");
    x.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }
}
