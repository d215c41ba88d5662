package dev.backfill.bench.coord;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * db-scheduler (com.github.kagkarlsson:db-scheduler): {@code tasks} one-time task instances due now,
 * scheduled in one batch before the clock starts, executed by one {@code Scheduler} per JVM with
 * {@code threads} threads, polled every 100 ms; on PostgreSQL with lock-and-fetch (one
 * {@code UPDATE ... RETURNING} claims a batch), on MariaDB with its default fetch-and-lock-on-execute
 * (db-scheduler has no lock-and-fetch there). A one-time task's row is deleted when it completes.
 */
final class DbSchedulerCoordination implements Contender {
  private static OneTimeTask<Void> task(Window window) {
    return Tasks.oneTime("noop").execute((instance, context) -> {
      window.started();
      window.ended();
    });
  }

  private static String table(String round) {
    return "dbs_" + round;
  }

  @Override
  public String name() {
    return "db-scheduler";
  }

  private static boolean postgres(Connection c) throws Exception {
    return c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
  }

  @Override
  public void prepare(DataSource ds, String round, int tasks) throws Exception {
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      String t = table(round);
      if (postgres(c)) {
        st.execute("CREATE TABLE " + t + " (task_name TEXT NOT NULL, task_instance TEXT NOT NULL, task_data BYTEA,"
            + " execution_time TIMESTAMP WITH TIME ZONE NOT NULL, picked BOOLEAN NOT NULL, picked_by TEXT,"
            + " last_success TIMESTAMP WITH TIME ZONE, last_failure TIMESTAMP WITH TIME ZONE, consecutive_failures INT,"
            + " last_heartbeat TIMESTAMP WITH TIME ZONE, version BIGINT NOT NULL, priority SMALLINT,"
            + " PRIMARY KEY (task_name, task_instance))");
        st.execute("CREATE INDEX " + t + "_execution_time_idx ON " + t + " (execution_time)");
        st.execute("CREATE INDEX " + t + "_last_heartbeat_idx ON " + t + " (last_heartbeat)");
        st.execute("CREATE INDEX " + t + "_priority_execution_time_idx ON " + t + " (priority DESC, execution_time ASC)");
      } else {
        st.execute("CREATE TABLE " + t + " (task_name VARCHAR(100) NOT NULL, task_instance VARCHAR(100) NOT NULL,"
            + " task_data BLOB, execution_time TIMESTAMP(6) NOT NULL, picked BOOLEAN NOT NULL, picked_by VARCHAR(50),"
            + " last_success TIMESTAMP(6) NULL, last_failure TIMESTAMP(6) NULL, consecutive_failures INT,"
            + " last_heartbeat TIMESTAMP(6) NULL, version BIGINT NOT NULL, priority SMALLINT,"
            + " PRIMARY KEY (task_name, task_instance), INDEX execution_time_idx (execution_time),"
            + " INDEX last_heartbeat_idx (last_heartbeat),"
            + " INDEX priority_execution_time_idx (priority DESC, execution_time ASC))");
      }
    }
    OneTimeTask<Void> task = task(new Window());
    SchedulerClient client = SchedulerClient.Builder.create(ds, task).tableName(table(round)).build();
    List<TaskInstance<?>> instances = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      instances.add(task.instance("t" + i));
    }
    client.scheduleBatch(instances, Instant.now().minusSeconds(1));
  }

  @Override
  public void work(DataSource ds, String round, int tasks, int threads, boolean first, String worker, Window window,
      Runnable awaitStop) throws Exception {
    boolean lockAndFetch;
    try (Connection c = ds.getConnection()) {
      lockAndFetch = postgres(c);
    }
    SchedulerBuilder b = Scheduler.create(ds, task(window))
        .tableName(table(round))
        .threads(threads)
        .pollingInterval(Duration.ofMillis(100))
        .schedulerName(new com.github.kagkarlsson.scheduler.SchedulerName.Fixed(worker));
    if (lockAndFetch) {
      b.pollUsingLockAndFetch(0.5, 1.0);
    } else {
      b.alwaysPersistTimestampInUTC();
    }
    Scheduler scheduler = b.build();
    scheduler.start();
    try {
      awaitStop.run();
    } finally {
      scheduler.stop();
    }
  }

  @Override
  public boolean done(DataSource ds, String round, int tasks) throws Exception {
    // one probe, not a count: polled every 20 ms, a count of the rows left would cost the server more
    // than the tasks it is measuring (a few milliseconds per 10,000 rows on MariaDB)
    try (Connection c = ds.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT 1 FROM " + table(round) + " WHERE task_name = 'noop' LIMIT 1")) {
      return !rs.next();
    }
  }
}
