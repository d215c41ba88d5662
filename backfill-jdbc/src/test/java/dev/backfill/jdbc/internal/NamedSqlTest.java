package dev.backfill.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.InvalidConfigurationException;
import dev.backfill.UnknownTokenException;
import dev.backfill.jdbc.dialect.H2Dialect;
import dev.backfill.jdbc.dialect.MariaDbDialect;
import dev.backfill.jdbc.dialect.PostgresDialect;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NamedSqlTest {

  @Test
  void replacesNamedParametersInOrderIncludingRepeats() {
    NamedSql sql = NamedSql.parse("SELECT * FROM t WHERE d >= :start_date AND d <= :end_date OR d = :start_date", "q");
    assertThat(sql.jdbc()).isEqualTo("SELECT * FROM t WHERE d >= ? AND d <= ? OR d = ?");
    assertThat(sql.parameters()).containsExactly("start_date", "end_date", "start_date");
    assertThat(sql.names()).containsExactly("start_date", "end_date");
  }

  @Test
  void leavesLiteralsQuotedNamesCommentsAndCastsAlone() {
    String text = "SELECT ':not_a_param', \"col:x\", 'it''s :still_text', `b:q` -- :comment\n"
        + "/* :block /* nested :x */ :still */ , CAST(:day AS date), :day::date, x::text, $$ :dollar $$, $t$ :tagged $t$ "
        + "FROM t WHERE a = :region";
    NamedSql sql = NamedSql.parse(text, "q");
    assertThat(sql.parameters()).containsExactly("day", "day", "region");
    assertThat(sql.jdbc()).contains("':not_a_param'", "\"col:x\"", "-- :comment", "?::date", "x::text",
        "$$ :dollar $$", "$t$ :tagged $t$");
  }

  @Test
  void followsEachEnginesLexicalRules() {
    // MariaDB: backslash escapes in strings and # comments; PostgreSQL: # is an operator.
    String mariaDb = "SELECT 'a\\' :inside', :real # :comment\n FROM t";
    assertThat(NamedSql.parse(mariaDb, "q", new MariaDbDialect().sqlSyntax()).parameters()).containsExactly("real");
    assertThat(NamedSql.parse("SELECT 4 # :mask FROM t", "q", new PostgresDialect().sqlSyntax()).parameters())
        .containsExactly("mask");
    assertThat(NamedSql.parse("SELECT E'\\' :inside' , :real", "q", new PostgresDialect().sqlSyntax()).parameters())
        .containsExactly("real");
    assertThat(NamedSql.parse("SELECT $$ :x $$, :y", "q", new H2Dialect().sqlSyntax()).parameters())
        .containsExactly("y");
  }

  @Test
  void leavesAssignmentsAndDigitsAlone() {
    NamedSql sql = NamedSql.parse("SELECT @n := 1, a[1:2], :_under9 FROM t", "q");
    assertThat(sql.parameters()).containsExactly("_under9");
  }

  @Test
  void refusesPositionalParameters() {
    assertThatThrownBy(() -> NamedSql.parse("SELECT * FROM t WHERE a = ?", "query of JdbcSource"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("query of JdbcSource has a positional parameter '?' at position 27")
        .hasMessageContaining(":start_date");
    assertThat(NamedSql.parse("SELECT j ?? 'k' FROM t WHERE x = '?'", "q").parameters()).isEmpty();
  }

  @Test
  void refusesBlankSql() {
    assertThatThrownBy(() -> NamedSql.parse("  ", "SQL check")).isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("SQL check is empty; expected a SELECT statement");
  }

  @Test
  void namesTheUnknownTokenAndTheKnownOnes() {
    NamedSql sql = NamedSql.parse("SELECT * FROM t WHERE d = :start_dte", "q");
    assertThatThrownBy(() -> sql.validate(Set.of("start_date", "end_date"), "query of JdbcSource(x)"))
        .isInstanceOf(UnknownTokenException.class)
        .hasMessage("unknown token 'start_dte' in query of JdbcSource(x); known tokens: end_date, start_date");
  }

  @Test
  void abbreviatesForDescriptions() {
    NamedSql sql = NamedSql.parse("SELECT a,\n   b FROM " + "x".repeat(100), "q");
    assertThat(sql.abbreviated()).startsWith("SELECT a, b FROM xxx").endsWith("...").hasSize(80);
    assertThat(List.of(sql.original())).isNotEmpty();
  }
}
