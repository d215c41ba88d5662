package dev.backfill.spi;

import static java.util.Objects.requireNonNull;

import dev.backfill.Guarantee;
import dev.backfill.RunStatus;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A run as the state store keeps it. The plan is persisted with the run so that workers and resumes
 * never re-plan.
 *
 * @param runId unique id
 * @param target target name
 * @param status current status
 * @param logicVersion logic version of the backfill that created the run ("" when unset)
 * @param guarantee what a crash between data and status commit can cause for this run
 * @param planJson the plan, as {@code BackfillPlan.toJson()}
 * @param sliceCount number of slices
 * @param createdAt when the run was created
 * @param finishedAt when it last finished, or null while running
 * @param message summary of the outcome, or ""
 * @param optionsJson the execution settings the run was started with, stored so that resumes and
 *     joining workers use them again ("" when unknown)
 */
public record RunRecord(
    String runId,
    String target,
    RunStatus status,
    String logicVersion,
    Guarantee guarantee,
    String planJson,
    int sliceCount,
    Instant createdAt,
    @Nullable Instant finishedAt,
    String message,
    String optionsJson) {

  /**
   * Validates the record.
   *
   * @param runId unique id
   * @param target target name
   * @param status current status
   * @param logicVersion logic version
   * @param guarantee crash guarantee
   * @param planJson plan
   * @param sliceCount slices
   * @param createdAt creation time
   * @param finishedAt finish time or null
   * @param message outcome summary
   * @param optionsJson stored execution settings
   */
  public RunRecord {
    requireNonNull(runId, "runId");
    requireNonNull(target, "target");
    requireNonNull(status, "status");
    requireNonNull(logicVersion, "logicVersion");
    requireNonNull(guarantee, "guarantee");
    requireNonNull(planJson, "planJson");
    requireNonNull(createdAt, "createdAt");
    requireNonNull(message, "message");
    requireNonNull(optionsJson, "optionsJson");
  }

  /**
   * Creates a record without stored execution settings.
   *
   * @param runId unique id
   * @param target target name
   * @param status current status
   * @param logicVersion logic version
   * @param guarantee crash guarantee
   * @param planJson plan
   * @param sliceCount slices
   * @param createdAt creation time
   * @param finishedAt finish time or null
   * @param message outcome summary
   */
  public RunRecord(String runId, String target, RunStatus status, String logicVersion, Guarantee guarantee,
      String planJson, int sliceCount, Instant createdAt, @Nullable Instant finishedAt, String message) {
    this(runId, target, status, logicVersion, guarantee, planJson, sliceCount, createdAt, finishedAt, message, "");
  }

  /**
   * Returns a copy with another status, finish time and message.
   *
   * @param newStatus status
   * @param at finish time, or null when running again
   * @param newMessage message
   * @return the changed record
   */
  public RunRecord with(RunStatus newStatus, @Nullable Instant at, String newMessage) {
    return new RunRecord(runId, target, newStatus, logicVersion, guarantee, planJson, sliceCount, createdAt, at, newMessage,
        optionsJson);
  }
}
