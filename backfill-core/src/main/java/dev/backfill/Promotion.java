package dev.backfill;

import dev.backfill.spi.RunRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks a plan promoted from another environment ({@link BackfillPlan#forEnvironment}) before it
 * runs: a run of that very plan succeeded there, and the history has not moved since, so the same
 * request would still select the same partitions for the same reasons.
 */
final class Promotion {
  private static final int LISTED = 10;

  private Promotion() {}

  static void check(Backfill<?> backfill, BackfillPlan plan) {
    BackfillPlan.Origin origin = Objects.requireNonNull(plan.origin());
    String target = plan.target();
    List<RunRecord> there = new ArrayList<>(backfill.stateStore().runs(target + "@" + origin.environment()));
    there.addAll(backfill.stateStore().runs(target));
    boolean succeeded = there.stream().anyMatch(r -> r.status() == RunStatus.SUCCEEDED
        && BackfillPlan.fingerprint(r.planJson()).equals(origin.fingerprint()));
    if (!succeeded) {
      throw new InvalidConfigurationException("the plan of " + target + " over " + plan.range() + " was promoted from"
          + " environment " + origin.environment() + ", but no run of it succeeded there; execute it in "
          + origin.environment() + " first, then promote it with plan.forEnvironment(\"" + plan.options().environment()
          + "\")");
    }
    List<String> changes = changes(plan, backfill.plan(plan.range(), plan.options()));
    if (!changes.isEmpty()) {
      throw new InvalidConfigurationException("the history of " + target + " moved since the plan was made at "
          + plan.createdAt() + ": " + String.join("; ", changes) + ". Plan again, run the new plan in "
          + origin.environment() + ", then promote it");
    }
  }

  /** What a plan made now selects differently from the promoted one, partition by partition. */
  static List<String> changes(BackfillPlan promoted, BackfillPlan now) {
    Map<String, Selection> before = reasons(promoted);
    Map<String, Selection> after = reasons(now);
    List<String> changes = new ArrayList<>();
    int more = 0;
    for (Map.Entry<String, Selection> e : before.entrySet()) {
      Selection current = after.get(e.getKey());
      if (current != e.getValue()) {
        if (changes.size() < LISTED) {
          changes.add(e.getKey() + " was planned as " + e.getValue() + (current == null
              ? " but is not selected now (it succeeded, or its upstream data is gone, since)" : " but is " + current + " now"));
        } else {
          more++;
        }
      }
    }
    for (Map.Entry<String, Selection> e : after.entrySet()) {
      if (!before.containsKey(e.getKey())) {
        if (changes.size() < LISTED) {
          changes.add(e.getKey() + " is selected now as " + e.getValue() + " but was not planned");
        } else {
          more++;
        }
      }
    }
    if (more > 0) {
      changes.add("and " + more + " more");
    }
    return changes;
  }

  private static Map<String, Selection> reasons(BackfillPlan plan) {
    Map<String, Selection> reasons = new LinkedHashMap<>();
    for (PlannedSlice s : plan.slices()) {
      plan.partitions(s.index()).forEach(p -> reasons.put(p.key().value(), s.reason()));
    }
    return reasons;
  }
}
