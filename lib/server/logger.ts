import 'server-only';

type Level = 'info' | 'warn' | 'error';

function serialise(value: unknown): unknown {
  if (value instanceof Error)
    return { name: value.name, message: value.message, stack: value.stack, cause: serialise(value.cause) };
  return value;
}

function write(level: Level, fields: Record<string, unknown>, message: string) {
  const entry = {
    level,
    time: new Date().toISOString(),
    message,
    ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, serialise(v)])),
  };
  (level === 'error' ? console.error : console.log)(JSON.stringify(entry));
}

/** Structured one-line JSON logs; secrets never go in (callers pass ids, not credentials). */
export const logger = {
  info: (fields: Record<string, unknown>, message: string) => write('info', fields, message),
  warn: (fields: Record<string, unknown>, message: string) => write('warn', fields, message),
  error: (fields: Record<string, unknown>, message: string) => write('error', fields, message),
};
