package dev.backfill.bench.compare;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Hand-written PostgreSQL append through {@code COPY … FROM STDIN}: the same streaming read and
 * transaction per day as {@link HandWrittenJdbc}, but rows go out as CSV on the COPY protocol,
 * the fastest load path PostgreSQL offers a client. For append and overwrite (after the day's delete,
 * in the same transaction) on PostgreSQL.
 */
public final class PostgresCopy extends HandWrittenJdbc {

  @Override
  public String name() {
    return "jdbc-copy";
  }

  @Override
  public boolean supports(Strategy strategy, Engine engine) {
    return engine == Engine.POSTGRES && (strategy == Strategy.APPEND || strategy == Strategy.OVERWRITE
        || strategy == Strategy.OVERWRITE_PARTITIONED);
  }

  @Override
  long copy(BenchDatabase db, Strategy strategy, LocalDate day, Connection write) throws SQLException {
    String copy = "COPY " + BenchDatabase.DESTINATION + " (" + BenchDatabase.COLUMNS + ") FROM STDIN (FORMAT csv)";
    try (PGCopyOutputStream out = new PGCopyOutputStream(write.unwrap(PGConnection.class), copy, 1 << 16);
         Writer csv = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
      long rows = readDay(db, day, rs -> {
        try {
          csv.write(Long.toString(rs.getLong(1)));
          csv.write(',');
          csv.write(rs.getDate(2).toString());
          csv.write(',');
          csv.write(Long.toString(rs.getLong(3)));
          csv.write(',');
          csv.write(rs.getBigDecimal(4).toPlainString());
          csv.write(',');
          csv.write(rs.getString(5)); // generated region keys: no commas or quotes
          csv.write('\n');
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, () -> { });
      csv.flush();
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
