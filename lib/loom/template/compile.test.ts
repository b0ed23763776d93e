import { Liquid } from 'liquidjs';
import { describe, expect, it } from 'vitest';
import { TemplateCompiler, weighCompiled } from './compile';
import { deadlineAfter } from './deadline';
import { DEFAULT_TEMPLATE_LIMITS } from './limits';

/** A distinct Liquid template (not the interpolation fast path) of about `chars` characters. */
const liquidTemplate = (seed: string, chars: number) =>
  `${seed} ` + '{% if a %}{{ a | upcase }}{% endif %}\n'.repeat(Math.ceil(chars / 38));

describe('the parsed-template cache', () => {
  const compilerFor = (maxBytes: number) =>
    new TemplateCompiler(new Liquid(), DEFAULT_TEMPLATE_LIMITS, { maxEntries: 500, maxBytes });
  const compile = (compiler: TemplateCompiler, source: string) =>
    compiler.compile(source, 'user', deadlineAfter(10_000));

  it('weighs a parsed template by its size, not as one entry', () => {
    const compiler = compilerFor(Infinity);
    const small = compile(compiler, liquidTemplate('s', 1_000));
    const large = compile(compiler, liquidTemplate('l', 100_000));
    const smallWeight = weighCompiled(small, liquidTemplate('s', 1_000));
    const largeWeight = weighCompiled(large, liquidTemplate('l', 100_000));
    // About 150 bytes of parsed tree per character, measured.
    expect(largeWeight).toBeGreaterThan(100_000 * 150);
    expect(largeWeight / smallWeight).toBeGreaterThan(50);
  });

  it('evicts the least recently used templates once their bytes exceed the bound, whatever their count', () => {
    const sources = ['a', 'b', 'c'].map((seed) => liquidTemplate(seed, 10_000));
    const oneWeight = weighCompiled(compile(compilerFor(Infinity), sources[0] ?? ''), sources[0] ?? '');
    const compiler = compilerFor(oneWeight * 2.5);
    const [first, second, third] = sources.map((source) => compile(compiler, source));
    // Only two fit: the first was evicted and parses anew; the others come from the cache.
    expect(compile(compiler, sources[2] ?? '')).toBe(third);
    expect(compile(compiler, sources[1] ?? '')).toBe(second);
    expect(compile(compiler, sources[0] ?? '')).not.toBe(first);
  });

  it('does not keep a template heavier than the whole bound', () => {
    const compiler = compilerFor(1_000_000);
    const source = liquidTemplate('big', 20_000);
    expect(compile(compiler, source)).not.toBe(compile(compiler, source));
    const small = liquidTemplate('small', 100);
    expect(compile(compiler, small)).toBe(compile(compiler, small));
  });
});
