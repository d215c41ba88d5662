package dev.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.spi.RecordSink;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SourceNode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The tokens that sources and templates see, for single partitions, batches and user tokens. */
class TokensTest {
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  /**
   * A source whose query is a template; it validates its placeholders like a JDBC source does and
   * keeps every slice it read, as the executor handed it over.
   */
  record TemplateSource(String template, Map<String, Slice> seen) implements SourceNode<Row> {
    TemplateSource(String template) {
      this(template, new ConcurrentHashMap<>());
    }

    @Override
    public void read(Slice slice, SliceContext context, RecordSink<? super Row> sink) {
      seen.put(slice.key(), slice);
      sink.accept(Row.of("sql", slice.tokens().render(template)));
    }

    @Override
    public void validate(Set<String> tokens) {
      Tokens.requireKnown(tokens, Tokens.placeholders(template), "query of " + template);
    }
  }

  static Backfill.Builder<Row> builder(Partitioning p, String template) {
    return builder(p, new TemplateSource(template));
  }

  static Backfill.Builder<Row> builder(Partitioning p, TemplateSource source) {
    return Backfill.builder("orders").partitioning(p).source(source).destination(new TestDestination());
  }

  /** Runs a plan and returns the slices the source was handed, by slice key. */
  static Map<String, Slice> run(Backfill<Row> backfill, TemplateSource source, BackfillPlan plan) {
    assertThat(backfill.execute(plan).await().succeeded()).isTrue();
    return source.seen();
  }

  @Test
  void aDailyPartitionDefinesDatesTimestampsHoursKeyAndDay() {
    Tokens t = Partitioning.daily(BERLIN).partition("2024-03-31").tokens();
    assertThat(t.asMap()).containsExactly(
        Map.entry("start_date", LocalDate.of(2024, 3, 31)),
        Map.entry("end_date", LocalDate.of(2024, 3, 31)),
        Map.entry("start_ts", OffsetDateTime.parse("2024-03-31T00:00+01:00")),
        Map.entry("end_ts", OffsetDateTime.parse("2024-04-01T00:00+02:00")),
        Map.entry("hours", 23L),
        Map.entry("partition_key", "2024-03-31"),
        Map.entry("day", LocalDate.of(2024, 3, 31)));
    assertThat(t.render("day=${day} from ${start_ts} to ${end_ts} (${hours}h)"))
        .isEqualTo("day=2024-03-31 from 2024-03-31T00:00+01:00 to 2024-04-01T00:00+02:00 (23h)");
  }

  @Test
  void hourlyAndMonthlyPartitionsNameTheirDimension() {
    Tokens hour = Partitioning.hourly(BERLIN).partition("2024-10-27T02+01:00").tokens();
    assertThat(hour.get("hour")).isEqualTo(LocalDateTime.parse("2024-10-27T02:00"));
    assertThat(hour.get("start_ts")).isEqualTo(OffsetDateTime.parse("2024-10-27T02:00+01:00"));
    assertThat(hour.get("end_date")).isEqualTo(LocalDate.of(2024, 10, 27));
    assertThat(hour.get("hours")).isEqualTo(1L);

    Tokens month = Partitioning.monthly(BERLIN).named("billing_month").partition("2024-02").tokens();
    assertThat(month.get("billing_month")).isEqualTo(LocalDate.of(2024, 2, 1));
    assertThat(month.get("end_date")).isEqualTo(LocalDate.of(2024, 2, 29));
    assertThat(month.has("month")).isFalse();
  }

  @Test
  void aDayByRegionPartitionDefinesBothDimensions() {
    Partitioning p = Partitioning.multi(Partitioning.daily(ZoneOffset.UTC), Partitioning.keys("eu", "us").named("region"));
    Tokens t = p.partition("2024-03-01|us").tokens();
    assertThat(t.get("day")).isEqualTo(LocalDate.of(2024, 3, 1));
    assertThat(t.get("region")).isEqualTo("us");
    assertThat(t.get("partition_key")).isEqualTo("2024-03-01|us");
    assertThat(t.get("hours")).isEqualTo(24L);
    assertThat(p.tokenNames()).containsExactly("start_date", "end_date", "start_ts", "end_ts", "hours", "day", "region",
        "partition_key");

    Tokens keyOnly = Partitioning.keys("eu", "us").named("region").partition("eu").tokens();
    assertThat(keyOnly.names()).containsExactly("partition_key", "region");
  }

  @Test
  void aBatchSpansItsPartitionsButDefinesNoTimeDimensionToken() {
    TemplateSource source = new TemplateSource("${start_date}");
    Backfill<Row> backfill = builder(Partitioning.daily(BERLIN), source).build();
    BackfillPlan plan = backfill.plan(PartitionRange.of("2024-03-25", "2024-04-07"), PlanOptions.defaults().batchSize(7));
    assertThat(plan.sliceCount()).isEqualTo(2);

    Map<String, Slice> slices = run(backfill, source, plan);
    Slice first = slices.get("2024-03-25..2024-03-31");
    assertThat(first.key()).isEqualTo("2024-03-25..2024-03-31");
    assertThat(first.partitions()).hasSize(7);
    assertThat(first.tokens().asMap()).containsExactly(
        Map.entry("start_date", LocalDate.of(2024, 3, 25)),
        Map.entry("end_date", LocalDate.of(2024, 3, 31)),
        Map.entry("start_ts", OffsetDateTime.parse("2024-03-25T00:00+01:00")),
        Map.entry("end_ts", OffsetDateTime.parse("2024-04-01T00:00+02:00")),
        Map.entry("hours", 167L),
        Map.entry("partition_key", "2024-03-25..2024-03-31"));
    assertThat(first.tokens().has("day")).isFalse();
    assertThatThrownBy(() -> first.tokens().get("day"))
        .isInstanceOf(UnknownTokenException.class)
        .hasMessageContainingAll("unknown token 'day'", "known tokens: end_date, end_ts, hours, partition_key, start_date, start_ts");
    assertThat(slices.get("2024-04-01..2024-04-07").tokens().get("hours")).isEqualTo(168L);

    // A single-partition slice keeps the dimension token.
    Slice single = run(backfill, source, backfill.plan(PartitionRange.single("2024-03-31"),
        PlanOptions.defaults().select(Selection.RESTATE))).get("2024-03-31");
    assertThat(single.tokens().names()).contains("day", "start_date", "end_date");
    assertThat(single.tokens().get("day")).isEqualTo(LocalDate.of(2024, 3, 31));
    assertThat(single.key()).isEqualTo("2024-03-31");
  }

  @Test
  void planningABatchForASourceThatNeedsTheDayTokenFailsBeforeAnythingRuns() {
    InMemoryStateStore store = new InMemoryStateStore();
    Backfill<Row> backfill = builder(Partitioning.daily(BERLIN), "SELECT * FROM t WHERE day = ${day}").stateStore(store).build();
    assertThat(backfill.plan(PartitionRange.of("2024-03-01", "2024-03-14")).sliceCount()).isEqualTo(14);
    assertThatThrownBy(() -> backfill.plan(PartitionRange.of("2024-03-01", "2024-03-14"), PlanOptions.defaults().batchSize(7)))
        .isInstanceOf(UnknownTokenException.class)
        .hasMessageContainingAll("unknown token 'day'", "in query of SELECT", "known tokens:", "start_date");
    assertThat(store.runs("orders")).isEmpty();
  }

  @Test
  void userTokensAreConstantsOrFunctionsOfTheSlice() {
    TemplateSource source = new TemplateSource("${env}_${suffix}_${start_date}");
    Backfill<Row> backfill = builder(Partitioning.daily(BERLIN), source)
        .token("env", "prod")
        .token("suffix", slice -> slice.key().replace("-", ""))
        .build();
    BackfillPlan plan = backfill.plan(PartitionRange.of("2024-03-01", "2024-03-02"));
    Slice slice = run(backfill, source, plan).get("2024-03-02");
    assertThat(slice.tokens().get("env")).isEqualTo("prod");
    assertThat(slice.tokens().get("suffix")).isEqualTo("20240302");
    assertThat(slice.tokens().render("${env}_${suffix}_${start_date}")).isEqualTo("prod_20240302_2024-03-02");
    assertThat(slice.tokens().names()).contains("env", "suffix", "day");
  }

  @Test
  void userTokensMustNotShadowBuiltInsOrBeDefinedTwice() {
    assertThatThrownBy(() -> builder(Partitioning.daily(BERLIN), "${start_date}").token("start_date", "x").build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContainingAll("token 'start_date' clashes with a built-in token", "daily(Europe/Berlin)");
    assertThatThrownBy(() -> builder(Partitioning.daily(BERLIN), "${start_date}").token("day", "x").build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("token 'day' clashes");
    assertThatThrownBy(() -> builder(Partitioning.daily(BERLIN), "").token("env", "a").token("env", "b"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("token 'env' is defined twice");
    assertThatThrownBy(() -> builder(Partitioning.daily(BERLIN), "").token("Env", "a"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContainingAll("token name 'Env' is not valid", "expected a lower-case identifier");
  }

  @Test
  void renderingAnUnknownTokenNamesItAndListsTheKnownOnes() {
    Tokens t = Partitioning.multi(Partitioning.daily(ZoneOffset.UTC), Partitioning.keys("eu").named("region"))
        .partition("2024-03-01|eu").tokens();
    assertThatThrownBy(() -> t.render("SELECT * FROM events_${regoin} WHERE day = '${start_date}'"))
        .isInstanceOf(UnknownTokenException.class)
        .hasMessage("unknown token 'regoin' in template; known tokens: day, end_date, end_ts, hours, partition_key, region,"
            + " start_date, start_ts");
    assertThatThrownBy(() -> t.get("stat_date"))
        .isInstanceOf(UnknownTokenException.class)
        .hasMessageContainingAll("unknown token 'stat_date'", "start_date");
    assertThatThrownBy(() -> t.render("${}")).isInstanceOf(UnknownTokenException.class)
        .hasMessageContaining("unknown token ''");
    assertThat(t.render("no placeholders, $ and {} alone")).isEqualTo("no placeholders, $ and {} alone");
    assertThat(t.render("${region}$${region}")).isEqualTo("eu$eu");
  }

  @Test
  void renderedValuesAreNotReinterpreted() {
    Tokens t = Tokens.of(Map.of("path", "C:\\data\\$1", "partition_key", "x"));
    assertThat(t.render("dir=${path}")).isEqualTo("dir=C:\\data\\$1");
  }
}
