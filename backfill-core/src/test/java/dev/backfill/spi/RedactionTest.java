package dev.backfill.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class RedactionTest {

  @Test
  void masksPasswordsInUrlsAndProperties() {
    assertThat(Redaction.redact("jdbc:postgresql://db/test?user=etl&password=s3cr3t&ssl=true"))
        .isEqualTo("jdbc:postgresql://db/test?user=etl&password=***&ssl=true");
    assertThat(Redaction.redact("mysql://etl:s3cr3t@db:3306/x")).isEqualTo("mysql://etl:***@db:3306/x");
    assertThat(Redaction.redact("{user=etl, password=s3cr3t}")).doesNotContain("s3cr3t");
  }

  @Test
  void dropsTheBoundValuesPgjdbcRepeatsInAFailedBatchEntry() {
    SQLException cause = new SQLException("ERROR: duplicate key value violates unique constraint", "23505");
    BatchUpdateException batch = new BatchUpdateException("Batch entry 3 INSERT INTO customers (id, email) VALUES"
        + " ((42), ('jane.doe@example.com')) was aborted: ERROR: duplicate key value", "23505", new int[0], cause);

    String text = Redaction.describe(batch);

    assertThat(text).doesNotContain("jane.doe@example.com").contains("Batch entry 3 <statement and values omitted> was aborted",
        "BatchUpdateException[23505]", "duplicate key value");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"'Pw)Lm;Rv", "a b,c", "x;y)z'w", "p@ss:w/rd", "\"q\"", "tab\tand,comma",
      "'Pw'Lm)Rv;Tx,Qz Kd'Yy"})
  void masksPasswordsWhateverCharactersTheyHold(String password) {
    String url = "jdbc:postgresql://db:5432/test?user=etl&password=" + password + "&ssl=true";
    String props = "{user=etl, password=" + password + "}";
    String userinfo = "mysql://etl:" + password + "@db:3306/x";
    for (String text : java.util.List.of(url, props, "connect failed: " + url, userinfo)) {
      String redacted = Redaction.redact(text);
      assertThat(redacted).as(text).doesNotContain(password).contains("***");
    }
    assertThat(Redaction.redact(url)).startsWith("jdbc:postgresql://db:5432/test?user=etl&password=***");
  }

  @Test
  void masksQuotedAndJsonValuesToTheirClosingQuote() {
    assertThat(Redaction.redact("{\"user\":\"etl\",\"password\":\"s3 cr,3t\",\"ssl\":true}"))
        .isEqualTo("{\"user\":\"etl\",\"password\":***,\"ssl\":true}");
    assertThat(Redaction.redact("password='a b;c' next")).isEqualTo("password=*** next");
  }

  @Test
  void leavesTextWithoutSecretsAlone() {
    String text = "FATAL: password authentication failed for user \"etl\"; unknown token 'day'";
    assertThat(Redaction.redact(text)).isEqualTo(text);
  }
}
