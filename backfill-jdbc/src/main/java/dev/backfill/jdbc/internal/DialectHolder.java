package dev.backfill.jdbc.internal;

import dev.backfill.jdbc.dialect.Dialect;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The dialect of a data source: the one set explicitly, or detected from the first connection when
 * first needed (not at construction, so that building a backfill does not need the database up).
 */
public final class DialectHolder {
  private final DataSource dataSource;
  private volatile @Nullable Dialect dialect;

  /**
   * Creates a holder.
   *
   * @param dataSource the data source
   * @param explicit the dialect set by the user, or null to detect
   */
  public DialectHolder(DataSource dataSource, @Nullable Dialect explicit) {
    this.dataSource = dataSource;
    this.dialect = explicit;
  }

  /**
   * Returns the dialect, detecting it on first use.
   *
   * @return the dialect
   */
  public Dialect get() {
    Dialect d = dialect;
    if (d == null) {
      synchronized (this) {
        d = dialect;
        if (d == null) {
          d = Dialect.detect(dataSource);
          dialect = d;
        }
      }
    }
    return d;
  }
}
