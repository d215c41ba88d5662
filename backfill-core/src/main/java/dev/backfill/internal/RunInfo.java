package dev.backfill.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backfill.ExecutionOptions;
import dev.backfill.RetryPolicy;
import java.net.InetAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How a run was started, as the operator's view shows it: who started it from which host, with which
 * execution options, in which environment, on which Java. Written once by the process that creates
 * the run ({@code StateStore.recordRunInfo}), as JSON, so that a CLI or run page in another process
 * reads it without the pipeline's classes.
 *
 * @param startedBy {@code user@host}, or "" when unknown
 * @param environment the plan's environment, or ""
 * @param java the Java version of the starting process, or ""
 * @param options the execution options by name, in a stable order
 */
public record RunInfo(String startedBy, String environment, String java, Map<String, String> options) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Nothing recorded. */
  public static final RunInfo UNKNOWN = new RunInfo("", "", "", Map.of());

  /**
   * Describes the current process starting a run.
   *
   * @param options the run's execution options
   * @param environment the plan's environment
   * @return the information
   */
  public static RunInfo current(ExecutionOptions options, String environment) {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("maxConcurrency", String.valueOf(options.maxConcurrency()));
    o.put("slicesPerSecond", String.valueOf(options.slicesPerSecond()));
    o.put("rowsPerSecond", String.valueOf(options.rowsPerSecond()));
    o.put("sliceTimeout", options.timeout().map(Object::toString).orElse("none"));
    RetryPolicy r = options.retry();
    o.put("retry", r.maxAttempts() + " attempts, backoff " + r.initialBackoff() + " x" + r.multiplier() + " up to "
        + r.maxBackoff() + ", jitter " + r.jitter());
    int stopAfter = options.failurePolicy().stopAfter();
    o.put("failurePolicy", stopAfter == Integer.MAX_VALUE ? "continue and report" : "stop after " + stopAfter);
    o.put("writeBatchSize", String.valueOf(options.writeBatchSize()));
    o.put("leaseTime", options.leaseTime().toString());
    o.put("workerId", options.workerId());
    o.put("listeners", String.valueOf(options.listeners().size()));
    return new RunInfo(System.getProperty("user.name", "?") + "@" + host(), environment,
        System.getProperty("java.version", ""), o);
  }

  /** This machine's host name, or {@code localhost}. */
  public static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException | SecurityException e) {
      return "localhost";
    }
  }

  /**
   * Writes the information as JSON.
   *
   * @return JSON text
   */
  public String toJson() {
    ObjectNode n = JSON.createObjectNode();
    n.put("startedBy", startedBy);
    n.put("environment", environment);
    n.put("java", java);
    ObjectNode o = n.putObject("options");
    options.forEach(o::put);
    return n.toString();
  }

  /**
   * Reads what {@link #toJson} wrote; unknown or malformed text gives {@link #UNKNOWN}.
   *
   * @param json the stored JSON, if any
   * @return the information
   */
  public static RunInfo parse(Optional<String> json) {
    if (json.isEmpty() || json.get().isBlank()) {
      return UNKNOWN;
    }
    try {
      JsonNode n = JSON.readTree(json.get());
      Map<String, String> o = new LinkedHashMap<>();
      n.path("options").fields().forEachRemaining(e -> o.put(e.getKey(), e.getValue().asText()));
      return new RunInfo(n.path("startedBy").asText(""), n.path("environment").asText(""), n.path("java").asText(""),
          Collections.unmodifiableMap(o));
    } catch (JsonProcessingException e) {
      return UNKNOWN;
    }
  }
}
