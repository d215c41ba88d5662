package dev.backfill.internal;

import dev.backfill.BackfillException;
import dev.backfill.InvalidConfigurationException;
import dev.backfill.PartitionRange;
import dev.backfill.Slice;
import dev.backfill.spi.PreflightContext;
import dev.backfill.spi.PreflightFinding;
import dev.backfill.spi.Redaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the destination's {@link dev.backfill.spi.DestinationNode#preflight} before a plan is made
 * and before a plan is executed: errors refuse, warnings go into the plan.
 */
public final class Preflight {
  private static final Logger log = LoggerFactory.getLogger(Preflight.class);

  private Preflight() {}

  /**
   * Asks the destination what it can tell before any slice runs.
   *
   * @param pipeline the configured backfill
   * @param range the range planned, or of the plan about to run
   * @param concurrency slices expected at once
   * @return the warnings, in the destination's order
   * @throws InvalidConfigurationException with every error's message when there is an error
   * @throws BackfillException when the destination cannot be inspected
   */
  public static List<String> check(Pipeline<?> pipeline, PartitionRange range, int concurrency) {
    List<PreflightFinding> findings;
    try {
      Slice sample = pipeline.tokens().apply(Slice.of(0, List.of(pipeline.partitioning().enumerate(range).get(0))));
      Map<String, Integer> sourceColumns = pipeline.source() == null ? null
          : pipeline.source().columns(sample).orElse(null);
      PreflightContext context = new PreflightContext(pipeline.target(), pipeline.strategy(), pipeline.partitioning(),
          range, sample, sourceColumns, concurrency);
      findings = pipeline.destination().preflight(context);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new BackfillException("the destination " + pipeline.destination().describe() + " of " + pipeline.target()
          + " could not be checked before planning: " + Redaction.describe(e), e);
    }
    List<String> errors = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (PreflightFinding f : findings) {
      (f.isError() ? errors : warnings).add(f.message());
    }
    if (!errors.isEmpty()) {
      throw new InvalidConfigurationException("backfill of " + pipeline.target() + " refused before any slice ran: "
          + String.join("; ", errors));
    }
    warnings.forEach(w -> log.warn("{}: {}", pipeline.target(), w));
    return List.copyOf(warnings);
  }
}
