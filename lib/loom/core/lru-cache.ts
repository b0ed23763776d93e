interface Node<K, V> {
  key: K;
  value: V;
  weight: number;
  newer: Node<K, V> | undefined;
  older: Node<K, V> | undefined;
}

export interface LruCacheOptions<K, V> {
  /** Bound on the summed weight of the entries; without it only the entry count is bounded. */
  maxWeight?: number;
  /** An entry's weight (for example its size in bytes); every entry weighs 1 by default. */
  weigh?: (value: V, key: K) => number;
}

/**
 * A least-recently-used map: reads refresh an entry, writes beyond capacity (entries or summed
 * weight) evict the oldest. A Map holds the nodes of a list ordered by use, so every operation is
 * O(1) apart from the evictions a write causes. (Evicting through a Map's own insertion order walks
 * past every entry deleted since the Map last rehashed: under steady churn that cost microseconds
 * per call at a thousand entries.)
 */
export class LruCache<K, V> {
  private readonly nodes = new Map<K, Node<K, V>>();
  private newest: Node<K, V> | undefined;
  private oldest: Node<K, V> | undefined;
  private totalWeight = 0;
  private readonly maxWeight: number;
  private readonly weigh: ((value: V, key: K) => number) | undefined;

  constructor(
    private readonly capacity: number,
    options: LruCacheOptions<K, V> = {},
  ) {
    this.maxWeight = options.maxWeight ?? Infinity;
    this.weigh = options.weigh;
  }

  get size(): number {
    return this.nodes.size;
  }

  /** Summed weight of the entries held. */
  get weight(): number {
    return this.totalWeight;
  }

  get(key: K): V | undefined {
    const node = this.nodes.get(key);
    if (node === undefined) return undefined;
    this.unlink(node);
    this.pushNewest(node);
    return node.value;
  }

  /**
   * Stores the entry as the newest and evicts the oldest until both bounds hold. An entry heavier
   * than the whole weight bound is not stored (it would evict everything and then itself), and any
   * older value under its key is dropped; returns whether it was stored.
   */
  set(key: K, value: V): boolean {
    const weight = this.weigh?.(value, key) ?? 1;
    if (!(weight <= this.maxWeight)) {
      this.delete(key);
      return false;
    }
    let node = this.nodes.get(key);
    if (node !== undefined) {
      this.totalWeight -= node.weight;
      node.value = value;
      node.weight = weight;
      this.unlink(node);
    } else {
      node = { key, value, weight, newer: undefined, older: undefined };
      this.nodes.set(key, node);
    }
    this.totalWeight += weight;
    this.pushNewest(node);
    while (
      (this.nodes.size > this.capacity || this.totalWeight > this.maxWeight) &&
      this.oldest !== undefined
    )
      this.delete(this.oldest.key);
    return true;
  }

  delete(key: K): boolean {
    const node = this.nodes.get(key);
    if (node === undefined) return false;
    this.unlink(node);
    this.nodes.delete(key);
    this.totalWeight -= node.weight;
    return true;
  }

  private pushNewest(node: Node<K, V>): void {
    node.older = this.newest;
    node.newer = undefined;
    if (this.newest !== undefined) this.newest.newer = node;
    this.newest = node;
    this.oldest ??= node;
  }

  private unlink(node: Node<K, V>): void {
    if (node.newer !== undefined) node.newer.older = node.older;
    else if (this.newest === node) this.newest = node.older;
    if (node.older !== undefined) node.older.newer = node.newer;
    else if (this.oldest === node) this.oldest = node.newer;
    node.newer = undefined;
    node.older = undefined;
  }
}
