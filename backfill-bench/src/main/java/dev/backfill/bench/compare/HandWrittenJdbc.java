package dev.backfill.bench.compare;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;

/**
 * The best plain JDBC a careful engineer writes for the same work, with no run history: a fixed
 * pool of {@code concurrency} threads, each day on its own pair of connections (a streaming read,
 * a write transaction), typed getters and setters, batches of 1,000 rows, one commit per day.
 * Overwrite deletes the day first in the same transaction; merge uses the engine's upsert
 * ({@code ON CONFLICT}, {@code ON DUPLICATE KEY UPDATE}, {@code MERGE … KEY}); pushdown is one
 * {@code INSERT … SELECT} per day.
 */
public class HandWrittenJdbc implements Contender {

  /** Rows per {@code executeBatch}, as in our library's default. */
  static final int BATCH = 1_000;

  @Override
  public String name() {
    return "jdbc";
  }

  @Override
  public boolean supports(Strategy strategy, Engine engine) {
    return strategy != Strategy.OVERWRITE_PARTITIONED || engine != Engine.H2;
  }

  @Override
  public long run(BenchDatabase db, Strategy strategy, int concurrency) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      List<Future<Long>> days = new ArrayList<>();
      for (LocalDate day : db.dataset().dayList()) {
        days.add(pool.submit(() -> day(db, strategy, day)));
      }
      long rows = 0;
      for (Future<Long> f : days) {
        rows += f.get();
      }
      return rows;
    } finally {
      pool.shutdownNow();
    }
  }

  private long day(BenchDatabase db, Strategy strategy, LocalDate day) throws SQLException {
    DataSource ds = db.dataSource();
    try (Connection write = ds.getConnection()) {
      write.setAutoCommit(false);
      try {
        if (strategy == Strategy.OVERWRITE || strategy == Strategy.OVERWRITE_PARTITIONED) {
          try (PreparedStatement delete = write.prepareStatement(
              "DELETE FROM " + BenchDatabase.DESTINATION + " WHERE day = ?")) {
            delete.setDate(1, Date.valueOf(day));
            delete.executeUpdate();
          }
        }
        long rows;
        if (strategy == Strategy.PUSHDOWN) {
          try (PreparedStatement insert = write.prepareStatement("INSERT INTO " + BenchDatabase.DESTINATION
              + " (" + BenchDatabase.COLUMNS + ") " + BenchDatabase.SOURCE_QUERY)) {
            insert.setDate(1, Date.valueOf(day));
            rows = insert.executeUpdate();
          }
        } else {
          rows = copy(db, strategy, day, write);
        }
        write.commit();
        return rows;
      } catch (SQLException | RuntimeException e) {
        write.rollback();
        throw e;
      }
    }
  }

  /**
   * Streams one day from the source into the write connection's transaction.
   *
   * @param db the database
   * @param strategy append, overwrite or merge
   * @param day the day
   * @param write the open write transaction
   * @return rows written
   * @throws SQLException on failure
   */
  long copy(BenchDatabase db, Strategy strategy, LocalDate day, Connection write) throws SQLException {
    String sql = strategy == Strategy.MERGE ? db.engine().upsert(BenchDatabase.DESTINATION)
        : "INSERT INTO " + BenchDatabase.DESTINATION + " (" + BenchDatabase.COLUMNS + ") VALUES (?, ?, ?, ?, ?)";
    try (PreparedStatement insert = write.prepareStatement(sql)) {
      long rows = readDay(db, day, rs -> {
        insert.setLong(1, rs.getLong(1));
        insert.setDate(2, rs.getDate(2));
        insert.setLong(3, rs.getLong(3));
        insert.setBigDecimal(4, rs.getBigDecimal(4));
        insert.setString(5, rs.getString(5));
        insert.addBatch();
      }, insert::executeBatch);
      insert.executeBatch();
      return rows;
    }
  }

  /** Handles one source row, positioned on the result set. */
  @FunctionalInterface
  interface RowHandler {
    void accept(ResultSet rs) throws SQLException;
  }

  /** Runs after every {@link #BATCH} rows. */
  @FunctionalInterface
  interface BatchEnd {
    void run() throws SQLException;
  }

  /**
   * Streams one day of the source on its own connection (auto-commit off, so PostgreSQL uses a
   * cursor; fetch size {@link #BATCH}).
   *
   * @param db the database
   * @param day the day
   * @param row called for each row
   * @param batchEnd called after every {@link #BATCH} rows
   * @return rows read
   * @throws SQLException on failure
   */
  static long readDay(BenchDatabase db, LocalDate day, RowHandler row, BatchEnd batchEnd) throws SQLException {
    long rows = 0;
    try (Connection read = db.dataSource().getConnection()) {
      read.setAutoCommit(false);
      try (PreparedStatement select = read.prepareStatement(BenchDatabase.SOURCE_QUERY)) {
        select.setFetchSize(BATCH);
        select.setDate(1, Date.valueOf(day));
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            row.accept(rs);
            if (++rows % BATCH == 0) {
              batchEnd.run();
            }
          }
        }
      }
      read.commit();
    }
    return rows;
  }

}
