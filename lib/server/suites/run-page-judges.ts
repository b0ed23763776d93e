import 'server-only';
import type { JudgeSnapshot } from '@/components/suites/run/types';
import type { Prisma } from '@/lib/generated/prisma/client';

/** The judge(s) as the run resolved them at start; tolerant of one object or a list. */
export function parseJudges(value: Prisma.JsonValue | null): JudgeSnapshot[] {
  // The runs branch stores the first judge's fields at the top and every judge in `judges`.
  const nested =
    typeof value === 'object' && value !== null && !Array.isArray(value) && Array.isArray(value.judges)
      ? value.judges
      : undefined;
  const list = nested ?? (Array.isArray(value) ? value : value === null ? [] : [value]);
  return list.flatMap((item) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return [];
    const j = item as Record<string, unknown>;
    if (typeof j.promptId !== 'string') return [];
    return [
      {
        promptId: j.promptId,
        ...(typeof j.version === 'number' ? { version: j.version } : {}),
        ...(typeof j.provider === 'string' ? { provider: j.provider } : {}),
        ...(typeof j.model === 'string' ? { model: j.model } : {}),
        ...(typeof j.evaluator === 'string' ? { evaluator: j.evaluator } : {}),
      },
    ];
  });
}
