import 'server-only';

/** PostgreSQL text cannot hold U+0000, and a lone UTF-16 surrogate has no UTF-8 form (pg would swap in U+FFFD). */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Nesting deeper than this is left to the schema, which refuses it for every real input. */
const MAX_DEPTH = 64;

export interface UnstorableText {
  path: string;
  message: string;
}

/**
 * The first string (value or key) in `input` that the database cannot store as given, with its path:
 * refused up front with a clear message instead of failing in the driver (a 500) or being altered.
 */
export function findUnstorableText(input: unknown): UnstorableText | undefined {
  const stack: Array<{ value: unknown; path: string[]; depth: number }> = [
    { value: input, path: [], depth: 0 },
  ];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop() as (typeof stack)[number];
    if (typeof value === 'string') {
      const found = UNSTORABLE.exec(value);
      if (found) return { path: path.join('.') || '_', message: describe(found[0]) };
      continue;
    }
    if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH) continue;
    for (const [key, child] of Object.entries(value)) {
      const found = UNSTORABLE.exec(key);
      if (found) return { path: [...path, key].join('.'), message: `its name ${describe(found[0])}` };
      stack.push({ value: child, path: [...path, key], depth: depth + 1 });
    }
  }
  return undefined;
}

function describe(character: string): string {
  return character === '\u0000'
    ? 'must not contain the NUL character (U+0000)'
    : 'must not contain invalid Unicode (a lone surrogate)';
}

/** SQLSTATE 22021 (character not in repertoire) and 22P05 (untranslatable character). */
const UNSTORABLE_SQLSTATE = new Set(['22021', '22P05']);

/** True when the database refused text it cannot store: the input was at fault, not the server. */
export function isUnstorableTextError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const { code, originalCode, message } = current as Record<string, unknown>;
    if (typeof code === 'string' && UNSTORABLE_SQLSTATE.has(code)) return true;
    if (typeof originalCode === 'string' && UNSTORABLE_SQLSTATE.has(originalCode)) return true;
    if (typeof message === 'string' && /invalid byte sequence for encoding "UTF8"/.test(message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
