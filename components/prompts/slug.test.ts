import { describe, expect, it } from 'vitest';
import { promptIdSchema } from '@/lib/loom/core';
import { slugify } from './slug';

describe('slugify', () => {
  it('turns a name into a valid prompt id', () => {
    expect(slugify('Support reply')).toBe('support-reply');
    expect(slugify('  Café: the "FAQ" bot (v2)!  ')).toBe('cafe-the-faq-bot-v2');
    expect(slugify('order_status.v1')).toBe('order-status-v1');
    for (const name of ['Support reply', '--x--', 'Ünïcode ñame', 'a'.repeat(300)]) {
      expect(promptIdSchema.safeParse(slugify(name)).success).toBe(true);
    }
  });

  it('is empty when nothing in the name can be kept', () => {
    expect(slugify('')).toBe('');
    expect(slugify('!!! ???')).toBe('');
    expect(slugify('日本語')).toBe('');
  });
});
