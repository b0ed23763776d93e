import { describe, expect, it } from 'vitest';
import { LineIndex } from './line-index';

/** The definition: count newlines before the offset. */
function scan(source: string, offset: number) {
  const before = source.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1) ?? '').length + 1 };
}

describe('LineIndex', () => {
  it('gives the same 1-based line and column as scanning from the start, for every offset', () => {
    for (const source of ['', 'abc', '\n', 'a\nb', '\n\nab\n', 'line one\r\nline two\n\nlast']) {
      const index = new LineIndex(source);
      for (let offset = 0; offset <= source.length; offset++) {
        expect(index.positionOf(offset)).toEqual(scan(source, offset));
      }
    }
  });
});
