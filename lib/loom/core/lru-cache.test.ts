import { describe, expect, it } from 'vitest';
import { LruCache } from './lru-cache';

describe('LruCache', () => {
  it('evicts the least recently used entry beyond capacity', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // refreshes a: b is now the oldest
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('replaces an existing key without growing', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('a', 2);
    expect(cache.get('a')).toBe(2);
    expect(cache.size).toBe(1);
  });

  it('behaves like a list ordered by use under random reads, writes and deletes', () => {
    const capacity = 8;
    const cache = new LruCache<number, number>(capacity);
    let model: [number, number][] = []; // oldest first
    let seed = 11;
    const random = (n: number) => {
      seed = (seed * 48_271) % 2_147_483_647;
      return seed % n;
    };
    for (let step = 0; step < 5_000; step++) {
      const key = random(20);
      const action = random(3);
      const at = model.findIndex(([k]) => k === key);
      if (action === 0) {
        const expected = at >= 0 ? model[at]?.[1] : undefined;
        expect(cache.get(key)).toBe(expected);
        if (at >= 0) model = [...model.filter(([k]) => k !== key), [key, expected as number]];
      } else if (action === 1) {
        cache.set(key, step);
        model = [...model.filter(([k]) => k !== key), [key, step]];
        if (model.length > capacity) model.shift();
      } else {
        expect(cache.delete(key)).toBe(at >= 0);
        model = model.filter(([k]) => k !== key);
      }
      expect(cache.size).toBe(model.length);
    }
  });
});
