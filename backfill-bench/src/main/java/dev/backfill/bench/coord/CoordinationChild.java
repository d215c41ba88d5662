package dev.backfill.bench.coord;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Main class of a worker JVM of the coordination bench. Arguments: contender ({@code ours} or
 * {@code db-scheduler}), JDBC URL, round, tasks, threads, first ({@code true} for the round's first
 * JVM), worker id, warm-up round, warm-up tasks (0: none), first in the warm-up round. Works its warm-up
 * round first (alone, or with the other JVMs), then
 * prints {@code READY}, starts on a line from stdin, and prints
 * {@code WINDOW first last count end...} (each task's end) at the end; db-scheduler stops on a second line
 * from stdin.
 */
public final class CoordinationChild {
  private CoordinationChild() {}

  /**
   * Runs one worker JVM.
   *
   * @param args see the class comment
   * @throws Exception on failure (the exit code is then not 0)
   */
  public static void main(String[] args) throws Exception {
    Contender contender = Coordination.contender(args[0]);
    int threads = Integer.parseInt(args[4]);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(args[1]);
    config.setMaximumPoolSize(threads * 2 + 2);
    config.setMinimumIdle(threads * 2 + 2);
    config.setPoolName("coord-" + args[6]);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    Window window = new Window();
    try (HikariDataSource ds = new HikariDataSource(config)) {
      ds.getConnection().close();
      int warmupTasks = Integer.parseInt(args[8]);
      if (warmupTasks > 0) {
        String warmup = args[7];
        contender.work(ds, warmup, warmupTasks, threads, Boolean.parseBoolean(args[9]), args[6], new Window(), () -> {
          try {
            while (!contender.done(ds, warmup, warmupTasks)) {
              Thread.sleep(20);
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
      }
      System.out.println("READY");
      System.out.flush();
      in.readLine();
      contender.work(ds, args[2], Integer.parseInt(args[3]), threads, Boolean.parseBoolean(args[5]), args[6], window,
          () -> {
            try {
              in.readLine();
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
    }
    System.out.println(window.line());
    System.out.flush();
    System.exit(0);
  }
}
