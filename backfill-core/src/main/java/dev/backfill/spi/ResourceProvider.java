package dev.backfill.spi;

import java.util.Optional;

/**
 * Something that can hand out the resources it works with, such as the {@code javax.sql.DataSource}
 * of a destination or the open {@code java.sql.Connection} of a slice writer.
 *
 * <p>This is how parts that do not know each other cooperate on one transaction: a JDBC state store
 * asks a writer for its connection and, when it belongs to the store's own data source, records the
 * slice's status in the writer's transaction (exactly-once).
 */
public interface ResourceProvider {

  /**
   * Returns a resource of the given type.
   *
   * @param type resource type
   * @param <R> resource type
   * @return the resource, when there is one of that type
   */
  default <R> Optional<R> resource(Class<R> type) {
    return Optional.empty();
  }

  /** A provider with no resources. */
  ResourceProvider NONE = new ResourceProvider() {};
}
