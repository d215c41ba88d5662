package dev.backfill.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backfill.ExecutionOptions;
import dev.backfill.FailurePolicy;
import dev.backfill.RetryPolicy;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The execution settings stored with a run, as JSON, so that a resume or a joining worker runs with
 * the concurrency, rate limits, timeout, retry and failure policy the run was started with.
 */
final class RunOptions {
  private static final Logger log = LoggerFactory.getLogger(RunOptions.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunOptions() {}

  /** The storable settings of options. */
  static String toJson(ExecutionOptions o) {
    ObjectNode n = JSON.createObjectNode();
    n.put("maxConcurrency", o.maxConcurrency());
    n.put("slicesPerSecond", o.slicesPerSecond());
    n.put("rowsPerSecond", o.rowsPerSecond());
    if (o.sliceTimeout() != null) {
      n.put("sliceTimeout", o.sliceTimeout().toString());
    }
    RetryPolicy r = o.retry();
    ObjectNode retry = n.putObject("retry");
    retry.put("maxAttempts", r.maxAttempts());
    retry.put("initialBackoff", r.initialBackoff().toString());
    retry.put("multiplier", r.multiplier());
    retry.put("jitter", r.jitter());
    retry.put("maxBackoff", r.maxBackoff().toString());
    retry.put("failures", r.retriesDefaultFailures() ? "default" : r.retriesNothing() ? "none" : "custom");
    n.put("stopAfterFailures", o.failurePolicy().stopAfter());
    n.put("writeBatchSize", o.writeBatchSize());
    n.put("leaseTime", o.leaseTime().toString());
    n.put("requestsPerSecond", o.requestsPerSecond());
    return n.toString();
  }

  /**
   * The settings stored with a run under the options given now: what the caller set explicitly wins.
   * Stored JSON that is missing (runs of older versions) or unreadable leaves the options as given.
   */
  static ExecutionOptions resumed(String runId, String json, ExecutionOptions given) {
    if (json.isEmpty()) {
      return given;
    }
    ExecutionOptions stored;
    try {
      stored = fromJson(json);
    } catch (RuntimeException | JsonProcessingException e) {
      log.warn("run {}: its stored execution settings are unreadable ({}); using the options given", runId, e.toString());
      return given;
    }
    ExecutionOptions combined = given.over(stored);
    if (!given.explicitSettings().contains(ExecutionOptions.Setting.RETRY) && customRetry(json)) {
      log.warn("run {} was started with a custom retry predicate, which cannot be stored; it retries the default"
          + " transient failures now. Pass the policy again with resume(runId, options) to keep it", runId);
    }
    return combined;
  }

  private static boolean customRetry(String json) {
    try {
      return "custom".equals(JSON.readTree(json).path("retry").path("failures").asText());
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  private static ExecutionOptions fromJson(String json) throws JsonProcessingException {
    JsonNode n = JSON.readTree(json);
    JsonNode r = n.path("retry");
    RetryPolicy retry = RetryPolicy.exponential(r.path("maxAttempts").asInt(3),
            Duration.parse(r.path("initialBackoff").asText("PT1S")))
        .multiplier(r.path("multiplier").asDouble(2.0))
        .jitter(r.path("jitter").asDouble(0.5))
        .maxBackoff(Duration.parse(r.path("maxBackoff").asText("PT5M")));
    if ("none".equals(r.path("failures").asText())) {
      retry = retry.withoutRetriedFailures();
    }
    ExecutionOptions.Builder b = ExecutionOptions.builder()
        .maxConcurrency(n.path("maxConcurrency").asInt(1))
        .slicesPerSecond(n.path("slicesPerSecond").asDouble(0))
        .rowsPerSecond(n.path("rowsPerSecond").asLong(0))
        .retry(retry)
        .failurePolicy(FailurePolicy.stopAfter(n.path("stopAfterFailures").asInt(Integer.MAX_VALUE)))
        .writeBatchSize(n.path("writeBatchSize").asInt(1000))
        .leaseTime(Duration.parse(n.path("leaseTime").asText("PT5M")))
        .requestsPerSecond(n.path("requestsPerSecond").asDouble(0));
    if (n.hasNonNull("sliceTimeout")) {
      b.sliceTimeout(Duration.parse(n.get("sliceTimeout").asText()));
    }
    return b.build();
  }
}
