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

  describe('bounded by weight', () => {
    const bytes = (value: string) => value.length;

    it('evicts the least recently used entries until the summed weight fits', () => {
      const cache = new LruCache<string, string>(100, { maxWeight: 10, weigh: bytes });
      cache.set('a', 'xxxx');
      cache.set('b', 'xxxx');
      cache.get('a'); // b is now the oldest
      cache.set('c', 'xxxx'); // 12 > 10: b goes
      expect(cache.get('b')).toBeUndefined();
      expect([cache.get('a'), cache.get('c')]).toEqual(['xxxx', 'xxxx']);
      expect(cache.weight).toBe(8);
      cache.set('d', 'xxxxxxxxx'); // 17 > 10: a and c go
      expect(cache.size).toBe(1);
      expect(cache.weight).toBe(9);
    });

    it('re-weighs an entry whose value is replaced, and forgets the weight of deleted ones', () => {
      const cache = new LruCache<string, string>(100, { maxWeight: 10, weigh: bytes });
      cache.set('a', 'xx');
      cache.set('a', 'xxxxxx');
      expect(cache.weight).toBe(6);
      cache.delete('a');
      expect(cache.weight).toBe(0);
    });

    it('does not store an entry heavier than the whole bound, and drops the key’s older value', () => {
      const cache = new LruCache<string, string>(100, { maxWeight: 10, weigh: bytes });
      cache.set('small', 'xxx');
      cache.set('big', 'x');
      expect(cache.set('big', 'x'.repeat(11))).toBe(false);
      expect(cache.get('big')).toBeUndefined();
      expect(cache.get('small')).toBe('xxx');
      expect(cache.weight).toBe(3);
    });

    it('still bounds the entry count', () => {
      const cache = new LruCache<number, string>(2, { maxWeight: 1_000, weigh: bytes });
      for (let key = 0; key < 5; key++) cache.set(key, 'x');
      expect(cache.size).toBe(2);
      expect(cache.weight).toBe(2);
    });
  });
});
