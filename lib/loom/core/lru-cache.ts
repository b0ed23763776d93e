interface Node<K, V> {
  key: K;
  value: V;
  newer: Node<K, V> | undefined;
  older: Node<K, V> | undefined;
}

/**
 * A least-recently-used map: reads refresh an entry, writes beyond capacity evict the oldest.
 * A Map holds the nodes of a list ordered by use, so every operation is O(1). (Evicting through
 * a Map's own insertion order walks past every entry deleted since the Map last rehashed: under
 * steady churn that cost microseconds per call at a thousand entries.)
 */
export class LruCache<K, V> {
  private readonly nodes = new Map<K, Node<K, V>>();
  private newest: Node<K, V> | undefined;
  private oldest: Node<K, V> | undefined;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.nodes.size;
  }

  get(key: K): V | undefined {
    const node = this.nodes.get(key);
    if (node === undefined) return undefined;
    this.unlink(node);
    this.pushNewest(node);
    return node.value;
  }

  set(key: K, value: V): void {
    let node = this.nodes.get(key);
    if (node !== undefined) {
      node.value = value;
      this.unlink(node);
    } else {
      node = { key, value, newer: undefined, older: undefined };
      this.nodes.set(key, node);
    }
    this.pushNewest(node);
    if (this.nodes.size > this.capacity && this.oldest !== undefined) this.delete(this.oldest.key);
  }

  delete(key: K): boolean {
    const node = this.nodes.get(key);
    if (node === undefined) return false;
    this.unlink(node);
    this.nodes.delete(key);
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
