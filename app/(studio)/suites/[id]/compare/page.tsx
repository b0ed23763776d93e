import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { CompareCases, type CompareColumn } from '@/components/suites/compare/compare-cases';
import { CompareRunsHeader } from '@/components/suites/compare/compare-runs-header';
import { runLabel } from '@/components/suites/compare/format';
import { MetricsTable } from '@/components/suites/compare/metrics-table';
import { RunPicker } from '@/components/suites/compare/run-picker';
import type { Comparison } from '@/components/suites/compare/types';
import { Alert } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { isLoomError } from '@/lib/loom/core';
import { getViewer } from '@/lib/server/auth/session';
import { getPrisma } from '@/lib/server/db';
import { compareRuns, listComparableRuns, MAX_CANDIDATES } from '@/lib/server/suites/compare';

type SearchParams = Record<string, string | string[] | undefined>;

export const metadata: Metadata = { title: 'Compare runs' };

/** `runs=a,b` or `runs=a&runs=b` (the picker's form), in order, without blanks. */
function listParam(value: string | string[] | undefined): string[] {
  const values = Array.isArray(value) ? value : value ? [value] : [];
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean)
    .slice(0, 50);
}

function firstParam(value: string | string[] | undefined): string | undefined {
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
}

export default async function ComparePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const viewer = await getViewer();
  if (!viewer) redirect('/sign-in');
  const suiteId = decodeURIComponent((await params).id);
  const query = await searchParams;
  const baseline = firstParam(query.baseline);
  const runs = listParam(query.runs);
  const prisma = await getPrisma();

  let comparison: Comparison | null = null;
  let problem: string | null = null;
  const choosing = firstParam(query.choose) === '1';
  if (baseline && runs.length && !choosing) {
    try {
      comparison = await compareRuns(prisma, viewer, { suiteId, baselineRunId: baseline, runIds: runs });
    } catch (error) {
      if (isLoomError(error, 'INVALID_INPUT') || isLoomError(error, 'NOT_FOUND')) problem = error.message;
      else throw error;
    }
  }
  // The picker's runs are read only when it shows (a missing suite is a 404 there).
  let picker: Awaited<ReturnType<typeof listComparableRuns>> | null = null;
  if (!comparison) {
    try {
      picker = await listComparableRuns(prisma, viewer, suiteId);
    } catch (error) {
      if (isLoomError(error, 'NOT_FOUND')) notFound();
      throw error;
    }
  }
  const suite = comparison?.suite ?? picker?.suite;
  if (!suite) notFound();

  const suiteHref = `/suites/${encodeURIComponent(suite.id)}`;
  const header = (
    <PageHeader
      title="Compare runs"
      description={
        <>
          Suite{' '}
          <Link href={suiteHref} className="font-medium text-accent hover:underline break-all">
            {suite.name}
          </Link>{' '}
          · each candidate against the baseline, paired on the cases both runs share, at a 5% significance
          level.
        </>
      }
      actions={
        comparison ? (
          <Link
            href={`${suiteHref}/compare?baseline=${encodeURIComponent(comparison.baseline.id)}&runs=${comparison.candidates.map((c) => encodeURIComponent(c.run.id)).join(',')}&choose=1`}
            className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
          >
            Change runs
          </Link>
        ) : null
      }
    />
  );

  if (!comparison) {
    const runsToPick = picker?.runs ?? [];
    const newest = runsToPick[0]?.id;
    const selected = runs.length ? runs : baseline && newest && newest !== baseline ? [newest] : [];
    return (
      <div className="max-w-6xl space-y-6">
        {header}
        {problem ? <Alert>{problem}</Alert> : null}
        <RunPicker
          suiteId={suite.id}
          runs={runsToPick}
          baseline={baseline}
          selected={selected}
          maxCandidates={MAX_CANDIDATES}
        />
      </div>
    );
  }

  const columns: CompareColumn[] = [
    { runId: comparison.baseline.id, label: `Baseline ${runLabel(comparison.baseline)}` },
    ...comparison.candidates.map((c) => ({ runId: c.run.id, label: runLabel(c.run) })),
  ];
  return (
    <div className="max-w-6xl space-y-6">
      {header}
      <CompareRunsHeader comparison={comparison} />
      {comparison.candidates.map((candidate) => (
        <MetricsTable
          key={candidate.run.id}
          suiteId={suite.id}
          baseline={comparison.baseline}
          comparison={candidate}
        />
      ))}
      <CompareCases suiteId={suite.id} baselineId={comparison.baseline.id} columns={columns} />
    </div>
  );
}
