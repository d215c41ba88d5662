package dev.backfill.jdbc.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.InvalidConfigurationException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DialectTest {

  @ParameterizedTest
  @CsvSource(delimiter = '!', value = {
      "daily; DROP TABLE canary!a semicolon at position 6",
      "daily\"x!the quote \" at position 6",
      "daily'x!the quote ' at position 6",
      "daily`x!the quote ` at position 6",
      "daily--x!the comment marker '--'",
      "dai/*x*/ly!a comment marker ('/*' or '*/')",
      "dai ly!whitespace at position 4",
      "dai\tly!whitespace at position 4",
      "9lives!a leading digit",
      "daïly!the character 'ï' at position 3"})
  void rejectsUnsafeIdentifiersNamingTheValue(String value, String offence) {
    assertThatThrownBy(() -> Dialect.checkIdentifier(value, "column name"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith("column name '" + value + "' is not a safe SQL identifier: it contains " + offence)
        .hasMessageContaining("expected letters, digits and underscores");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a.b.c", ".daily", "mart.", "mart..daily", "mart.dai ly"})
  void rejectsMalformedTableNames(String value) {
    assertThatThrownBy(() -> Dialect.checkQualifiedName(value, "table name"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("table name '" + value + "'");
  }

  @Test
  void splitsSchemaAndTable() {
    assertThat(Dialect.checkQualifiedName("mart.daily_revenue", "t")).containsExactly("mart", "daily_revenue");
    assertThat(Dialect.checkQualifiedName("daily", "t")).containsExactly("daily");
  }

  @Test
  void quotesTheWayEachEngineStoresUnquotedNames() {
    assertThat(new H2Dialect().quoteQualified("mart.day")).isEqualTo("\"MART\".\"DAY\"");
    assertThat(new PostgresDialect().quoteQualified("Mart.Day")).isEqualTo("\"mart\".\"day\"");
    assertThat(new MariaDbDialect().quoteQualified("mart.Day")).isEqualTo("`mart`.`Day`");
  }

  @Test
  void refusesNamesLongerThanTheEngineAllows() {
    String longName = "a".repeat(64);
    assertThat(new MariaDbDialect().quote(longName)).hasSize(66);
    assertThatThrownBy(() -> new PostgresDialect().quote(longName))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("PostgreSQL accepts at most 63");
  }

  @Test
  void buildsEachEnginesUpsert() {
    List<String> cols = List.of("day", "customer_id", "revenue");
    List<String> keys = List.of("day", "customer_id");
    List<String> update = List.of("revenue");
    assertThat(new PostgresDialect().upsertSql("\"t\"", cols, keys, update)).isEqualTo(
        "INSERT INTO \"t\" (\"day\", \"customer_id\", \"revenue\") VALUES (?, ?, ?)"
            + " ON CONFLICT (\"day\", \"customer_id\") DO UPDATE SET \"revenue\" = EXCLUDED.\"revenue\"");
    assertThat(new MariaDbDialect().upsertSql("`t`", cols, keys, update)).isEqualTo(
        "INSERT INTO `t` (`day`, `customer_id`, `revenue`) VALUES (?, ?, ?)"
            + " ON DUPLICATE KEY UPDATE `revenue` = VALUES(`revenue`)");
    assertThat(new H2Dialect().upsertSql("\"T\"", cols, keys, update)).isEqualTo(
        "MERGE INTO \"T\" (\"DAY\", \"CUSTOMER_ID\", \"REVENUE\") KEY (\"DAY\", \"CUSTOMER_ID\") VALUES (?, ?, ?)");
  }

  @Test
  void buildsEachEnginesUpsertThatOnlyReplacesRowsThatAreNotNewer() {
    List<String> cols = List.of("customer_id", "changed_at", "revenue");
    List<String> keys = List.of("customer_id");
    List<String> update = List.of("changed_at", "revenue");
    assertThat(new PostgresDialect().upsertSql("\"s\".\"t\"", cols, keys, update, "changed_at")).isEqualTo(
        "INSERT INTO \"s\".\"t\" AS \"bf_t\" (\"customer_id\", \"changed_at\", \"revenue\") VALUES (?, ?, ?)"
            + " ON CONFLICT (\"customer_id\") DO UPDATE SET \"changed_at\" = EXCLUDED.\"changed_at\","
            + " \"revenue\" = EXCLUDED.\"revenue\" WHERE \"bf_t\".\"changed_at\" <= EXCLUDED.\"changed_at\"");
    // MariaDB assigns left to right, each assignment seeing the earlier ones: the ordering column goes last.
    assertThat(new MariaDbDialect().upsertSql("`t`", cols, keys, update, "changed_at")).isEqualTo(
        "INSERT INTO `t` (`customer_id`, `changed_at`, `revenue`) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE"
            + " `revenue` = IF(`t`.`changed_at` <= VALUES(`changed_at`), VALUES(`revenue`), `t`.`revenue`),"
            + " `changed_at` = IF(`t`.`changed_at` <= VALUES(`changed_at`), VALUES(`changed_at`), `t`.`changed_at`)");
    assertThat(new H2Dialect().upsertSql("\"T\"", cols, keys, update, "changed_at")).isEqualTo(
        "MERGE INTO \"T\" USING (VALUES (?, ?, ?)) AS \"BF_S\" (\"CUSTOMER_ID\", \"CHANGED_AT\", \"REVENUE\")"
            + " ON \"T\".\"CUSTOMER_ID\" = \"BF_S\".\"CUSTOMER_ID\""
            + " WHEN MATCHED AND \"T\".\"CHANGED_AT\" <= \"BF_S\".\"CHANGED_AT\""
            + " THEN UPDATE SET \"CHANGED_AT\" = \"BF_S\".\"CHANGED_AT\", \"REVENUE\" = \"BF_S\".\"REVENUE\""
            + " WHEN NOT MATCHED THEN INSERT (\"CUSTOMER_ID\", \"CHANGED_AT\", \"REVENUE\")"
            + " VALUES (\"BF_S\".\"CUSTOMER_ID\", \"BF_S\".\"CHANGED_AT\", \"BF_S\".\"REVENUE\")");
  }
}
