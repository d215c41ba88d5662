package dev.backfill.jdbc.internal;

import java.sql.Connection;
import java.util.function.Consumer;

/**
 * A slice writer whose transaction has sent nothing yet, offered to the state store of the same
 * database as {@code resource(UnstartedWrite.class)}. A slice that wrote nothing then records its end
 * in one statement that commits by itself, where joining the writer's transaction would send its
 * begin, the end and its commit: on MariaDB, whose driver sends each auto-commit switch, three round
 * trips more per empty slice. A slice that wrote anything has begun, is not offered this, and keeps
 * its rows and its status in one transaction.
 */
public interface UnstartedWrite {
  /**
   * Runs a slice's end on the writer's connection, in auto-commit, if the writer has still sent
   * nothing; the writer then refuses to write more, and its commit has nothing to send.
   *
   * @param end the end: statements that are atomic on their own (one statement, or a compound statement
   *     that begins and commits its own transaction); reads after it are fine
   * @return whether the end ran; false when the writer has begun or ended meanwhile (join its
   *     transaction instead)
   */
  boolean endAlone(Consumer<Connection> end);
}
