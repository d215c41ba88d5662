package dev.backfill.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.api.Trigger;

/** An H2 trigger on the state store's slices table that refuses to mark one slice SUCCEEDED. */
public final class H2FailingStatusTrigger implements Trigger {
  static volatile String sliceKey = "";

  @Override
  public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
    // slices columns: run_id, slice_index, slice_key, partition_keys, status, ...
    if ("SUCCEEDED".equals(newRow[4]) && sliceKey.equals(newRow[2])) {
      throw new SQLException("injected failure recording the status", "45000");
    }
  }
}
