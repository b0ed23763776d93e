import 'server-only';
import type { RunCounts } from '@/components/suites/types';
import { Prisma } from '@/lib/generated/prisma/client';

// A run's counts and costs so far, aggregated over its stored case results: the progress
// endpoint and the runs list read unfinished runs this way (finished runs keep a stored summary).

/** The aggregate's columns, as PostgreSQL returns them. */
export interface CaseResultAggregate {
  done: number;
  passed: number;
  errored: number;
  cost: bigint;
  judgeCost: bigint;
  unpriced: number;
  judgeUnpriced: number;
}

/**
 * The select list of CaseResultAggregate over "SuiteCaseResult" rows (columns unqualified: use it
 * where "SuiteCaseResult" is the innermost FROM).
 */
export const CASE_RESULT_AGGREGATE = Prisma.sql`count(*)::int AS "done",
  count(*) FILTER (WHERE "pass")::int AS "passed",
  count(*) FILTER (WHERE "errored")::int AS "errored",
  COALESCE(sum(("result"->>'costMicros')::bigint), 0)::bigint AS "cost",
  COALESCE(sum(("result"->>'judgeCostMicros')::bigint), 0)::bigint AS "judgeCost",
  count(*) FILTER (WHERE "result"->>'unpriced' = 'true')::int AS "unpriced",
  count(*) FILTER (WHERE "result"->>'judgeUnpriced' = 'true')::int AS "judgeUnpriced"`;

/** The aggregate as the screens read it; no row (no case stored yet) is all zeros. */
export function toRunCounts(row: CaseResultAggregate | undefined): RunCounts {
  return {
    done: row?.done ?? 0,
    passed: row?.passed ?? 0,
    errored: row?.errored ?? 0,
    costMicros: Number(row?.cost ?? 0),
    judgeCostMicros: Number(row?.judgeCost ?? 0),
    unpricedCases: row?.unpriced ?? 0,
    judgeUnpricedCases: row?.judgeUnpriced ?? 0,
  };
}
