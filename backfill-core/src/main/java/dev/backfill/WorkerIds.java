package dev.backfill;

import java.util.UUID;

/** Default worker and run ids. */
final class WorkerIds {
  private WorkerIds() {}

  static String local() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException | SecurityException e) {
      host = "localhost";
    }
    return host + ":" + ProcessHandle.current().pid() + ":" + UUID.randomUUID().toString().substring(0, 8);
  }

  static String newRunId(java.time.Instant now) {
    String stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
        .withZone(java.time.ZoneOffset.UTC).format(now);
    return "run-" + stamp + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
