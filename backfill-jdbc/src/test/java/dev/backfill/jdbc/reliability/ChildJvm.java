package dev.backfill.jdbc.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM running {@link ReliabilityChild} with the test classpath: its output is kept (in
 * memory and in {@code target/reliability/<name>.log}) so the parent can wait for the markers it
 * prints and show its log when something goes wrong. {@link #kill()} is SIGKILL: no shutdown hook,
 * no finally block, no rollback by the JVM.
 */
final class ChildJvm implements AutoCloseable {
  /** Lines the child prints for the parent start with this. */
  static final String MARKER = "@@ ";

  private final String name;
  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final Thread pump;

  private ChildJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.pump = new Thread(() -> pump(log), "child-output-" + name);
    pump.setDaemon(true);
    pump.start();
  }

  /**
   * Starts a child JVM.
   *
   * @param name a name for its log file and thread
   * @param args key=value arguments for {@link ReliabilityChild}
   */
  static ChildJvm start(String name, Map<String, String> args) {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    // Small and quick to start: the child runs a short backfill, JIT tiers beyond C1 never pay off.
    command.addAll(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
        "-Xshare:auto"));
    command.add("-cp");
    command.add(testClassPath());
    command.add(ReliabilityChild.class.getName());
    args.forEach((k, v) -> command.add(k + "=" + v));
    try {
      Path dir = Paths.get("target", "reliability");
      Files.createDirectories(dir);
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      return new ChildJvm(name, p, dir.resolve(name + ".log"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start child JVM " + name, e);
    }
  }

  /**
   * The classpath of this test JVM. Under surefire's default manifest-only jar it is that one jar,
   * whose manifest lists the real classpath; a child JVM given the jar sees the same classes.
   */
  static String testClassPath() {
    return System.getProperty("java.class.path");
  }

  private void pump(Path log) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (lines) {
          lines.add(line);
          lines.notifyAll();
        }
        out.write(line);
        out.write('\n');
        out.flush();
      }
    } catch (IOException e) {
      // the child died; what it wrote so far is kept
    } finally {
      synchronized (lines) {
        lines.add(null);
        lines.notifyAll();
      }
    }
  }

  /**
   * Waits for a marker line {@code "@@ <word> ..."} and returns the text after the marker.
   *
   * @throws AssertionError with the child's output when it exits or times out first
   */
  String await(String word, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String prefix = MARKER + word;
    synchronized (lines) {
      int seen = 0;
      while (true) {
        for (; seen < lines.size(); seen++) {
          String line = lines.get(seen);
          if (line == null) {
            throw new AssertionError("child " + name + " ended before printing '" + prefix + "':\n" + output());
          }
          if (line.startsWith(prefix)) {
            return line.substring(MARKER.length());
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("child " + name + " did not print '" + prefix + "' within " + timeout + ":\n" + output());
        }
        try {
          lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
      }
    }
  }

  /** Lets a child started with {@code go} begin (it waits for a line on its stdin). */
  void go() {
    try {
      process.getOutputStream().write('\n');
      process.getOutputStream().flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot signal child " + name, e);
    }
  }

  /** Kills the child with SIGKILL and waits until it is gone. */
  void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(30));
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits for the child to exit; returns its exit code. */
  int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("child " + name + " did not exit within " + timeout + ":\n" + output());
      }
      pump.join(5_000);
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Everything the child printed so far. */
  String output() {
    synchronized (lines) {
      StringBuilder s = new StringBuilder();
      for (String line : lines) {
        if (line != null) {
          s.append(line).append('\n');
        }
      }
      return s.toString();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
