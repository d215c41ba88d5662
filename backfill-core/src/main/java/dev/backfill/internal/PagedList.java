package dev.backfill.internal;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * A read-only list of a known size whose elements are read one page at a time when a caller looks,
 * keeping only the last two pages read, so that the slices of a run of millions fit a small heap.
 * Walking it in order reads every page once; going back and forth between two pages (the first and
 * the last, say) reads neither again. Its elements are as the reader returns them when their page is
 * read: a list over a changing store may show later states on later pages.
 *
 * @param <T> element type
 */
public class PagedList<T> extends AbstractList<T> implements RandomAccess {

  /** Reads one page of elements. */
  @FunctionalInterface
  public interface PageReader<T> {
    /**
     * Reads the elements from {@code fromIndex}, at most {@code limit} of them.
     *
     * @param fromIndex index of the page's first element
     * @param limit the page size
     * @return the page, in index order; shorter only at the end of the list
     */
    List<T> read(int fromIndex, int limit);
  }

  private final int size;
  private final int pageSize;
  private final PageReader<T> reader;
  private final String what;
  // Two pages, the most recent in slot 0.
  private final int[] starts = {-1, -1};
  @SuppressWarnings("unchecked")
  private final List<T>[] pages = new List[] {List.of(), List.of()};

  /**
   * Makes a list that reads its pages when they are needed.
   *
   * @param size number of elements
   * @param pageSize elements read per page, at least 1
   * @param reader reads one page
   * @param what names the list in errors (e.g. "run 42")
   * @throws IllegalArgumentException if {@code size < 0} or {@code pageSize < 1}
   */
  public PagedList(int size, int pageSize, PageReader<T> reader, String what) {
    if (size < 0 || pageSize < 1) {
      throw new IllegalArgumentException("a paged list needs size >= 0 and pageSize >= 1, got " + size + " and " + pageSize);
    }
    this.size = size;
    this.pageSize = pageSize;
    this.reader = reader;
    this.what = what;
  }

  /**
   * Returns an element, reading its page when it is not one of the two kept.
   *
   * @param index the element's index
   * @return the element
   * @throws IndexOutOfBoundsException when {@code index} is not in {@code [0, size())}
   * @throws IllegalStateException when the reader no longer has the element (it was deleted)
   */
  @Override
  public synchronized T get(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("element " + index + " of " + what + " of " + size);
    }
    int start = index - index % pageSize;
    if (starts[0] != start) {
      if (starts[1] == start) {
        swap();
      } else {
        List<T> page = reader.read(start, pageSize);
        starts[1] = starts[0];
        pages[1] = pages[0];
        starts[0] = start;
        pages[0] = page;
      }
    }
    List<T> page = pages[0];
    if (index - start >= page.size()) {
      throw new IllegalStateException("element " + index + " of " + what + " is no longer in the state store");
    }
    return page.get(index - start);
  }

  private void swap() {
    int s = starts[0];
    starts[0] = starts[1];
    starts[1] = s;
    List<T> p = pages[0];
    pages[0] = pages[1];
    pages[1] = p;
  }

  /**
   * Returns the number of elements, fixed when the list was made.
   *
   * @return the size
   */
  @Override
  public int size() {
    return size;
  }
}
