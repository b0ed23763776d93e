const SECRET_KEY = /(api[-_]?key|authorization|token|secret|password|passwd|cookie|credential)/i;
const SECRET_VALUE = /\b(sk-[A-Za-z0-9_-]{8,}|Bearer\s+[A-Za-z0-9._~+/=-]+)/g;
export const REDACTED = '[REDACTED]';

/** Removes key-looking substrings (sk-..., Bearer ...) from free text such as error messages. */
export function redactText(text: string): string {
  return text.replace(SECRET_VALUE, REDACTED);
}

/** A deep copy with secret-named fields and key-looking strings replaced; safe to log. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? REDACTED : redact(item, depth + 1);
  }
  return out;
}
