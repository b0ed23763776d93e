import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { ExperimentResultsView } from '@/components/experiments/experiment-results';
import { PhaseBadge } from '@/components/experiments/phase-badge';
import { PageHeader } from '@/components/ui/page-header';
import { isLoomError } from '@/lib/loom/core';
import { getViewer } from '@/lib/server/auth/session';
import { getPrisma } from '@/lib/server/db';
import { loadExperimentResults } from '@/lib/server/experiments/results';
import { getRegistry } from '@/lib/server/loom';
import { changeExperimentPhaseAction, promoteWinnerAction } from '../actions';

export const metadata: Metadata = { title: 'Experiment' };

async function load(id: string) {
  const viewer = await getViewer();
  if (!viewer) redirect('/sign-in');
  try {
    return { viewer, results: await loadExperimentResults(await getPrisma(), viewer, id) };
  } catch (error) {
    if (isLoomError(error, 'NOT_FOUND')) notFound();
    throw error;
  }
}

export default async function ExperimentPage({ params }: { params: Promise<{ id: string }> }) {
  const { viewer, results } = await load(decodeURIComponent((await params).id));
  const { experiment } = results;
  const registry = await getRegistry(viewer);
  const production = (await registry.findByLabel(experiment.promptId, 'production'))?.version ?? null;
  return (
    <div className="max-w-6xl space-y-6">
      <Link href="/experiments" className="text-xs text-zinc-500 hover:underline">
        ← Experiments
      </Link>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-3">
            <span className="min-w-0 break-words">{experiment.name}</span>
            <PhaseBadge phase={experiment.phase} />
          </span>
        }
        description={
          <>
            On{' '}
            <Link
              href={`/prompts/${encodeURIComponent(experiment.promptId)}/experiments`}
              className="underline"
            >
              {experiment.promptId}
            </Link>{' '}
            (production v{production ?? '–'}) · {(experiment.trafficShare * 100).toFixed(0)}% of traffic ·{' '}
            {experiment.metric.kind === 'binary' ? 'conversion' : 'numeric value'}, higher is{' '}
            {experiment.metric.goal === 'increase' ? 'better' : 'worse'} · planned{' '}
            {experiment.plannedSamplesPerArm.toLocaleString('en')} per arm ·{' '}
            {(experiment.confidence * 100).toFixed(0)}% confidence
            {experiment.autoPromote ? ' · auto-promote on' : ''}
          </>
        }
      />
      <ExperimentResultsView
        results={results}
        production={production}
        changePhase={changeExperimentPhaseAction}
        promoteWinner={promoteWinnerAction}
      />
    </div>
  );
}
