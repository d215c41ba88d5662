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
}
