/**
 * A small least-recently-used cache. The forced-photometry service gets many
 * requests per image; keeping the last few decoded images saves the I/O and
 * decoding (seed 000: "batching requests to save I/O").
 */

/**
 * LRU map with a fixed capacity (entries, not bytes: images of one survey are
 * about the same size). A Map keeps insertion order, so re-inserting on access
 * makes the first key the least recently used.
 *
 * @example
 * const cache = new LruCache<string, LoadedImage>(4);
 * const img = cache.get('diff.fits', () => loadImage('diff.fits'));
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();
  /** Loads performed (cache misses), for tests and metrics. */
  loads = 0;

  constructor(readonly capacity: number) {}

  /** The cached value of `key`, or the result of `load()` (cached, evicting the oldest). A throwing load caches nothing. */
  get(key: K, load: () => V): V {
    if (this.map.has(key)) {
      const v = this.map.get(key) as V;
      this.map.delete(key);
      this.map.set(key, v);
      return v;
    }
    const v = load();
    this.loads++;
    if (this.capacity > 0) {
      this.map.set(key, v);
      while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
    }
    return v;
  }

  /** Number of cached entries. */
  get size(): number {
    return this.map.size;
  }

  clear(): void {
    this.map.clear();
  }
}
