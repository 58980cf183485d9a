/**
 * A small least-recently-used map, so that `matchesPattern` compiles each
 * pattern once without letting a stream of distinct patterns grow memory.
 */

/**
 * A Map with at most `capacity` entries. Reading an entry makes it the newest;
 * adding one beyond capacity evicts the oldest (least recently used). A Map
 * iterates in insertion order, so the oldest entry is always the first key.
 *
 * @example
 * const cache = new BoundedCache<string, number>(2);
 * cache.getOrCreate('a', () => 1);
 * cache.getOrCreate('b', () => 2);
 * cache.getOrCreate('c', () => 3); // evicts 'a'
 * cache.has('a'); // false
 */
export class BoundedCache<K, V> {
  readonly #entries = new Map<K, V>();

  /** @param capacity the most entries kept; at least 1. */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`BoundedCache capacity must be a positive integer, received ${capacity}`);
    }
  }

  /**
   * The value for `key`, created by `create` on a miss.
   *
   * @example
   * cache.getOrCreate('auth.%', () => compile('auth.%'));
   */
  getOrCreate(key: K, create: (key: K) => V): V {
    if (this.#entries.has(key)) {
      const value = this.#entries.get(key) as V;
      // Re-insert to mark as most recently used.
      this.#entries.delete(key);
      this.#entries.set(key, value);
      return value;
    }
    const value = create(key);
    if (this.#entries.size >= this.capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, value);
    return value;
  }

  /**
   * True when `key` is cached; does not change its recency.
   *
   * @example
   * cache.has('auth.%'); // true after getOrCreate('auth.%', ...)
   */
  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /**
   * How many entries are cached.
   *
   * @example
   * new BoundedCache(4).size; // 0
   */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Empties the cache.
   *
   * @example
   * cache.clear();
   */
  clear(): void {
    this.#entries.clear();
  }
}
