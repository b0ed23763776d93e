import { FilterBar } from '@/components/dashboards/filter-bar';
import { FilterProblems } from '@/components/dashboards/filter-problems';
import { PromptMetrics } from '@/components/dashboards/prompt-metrics';
import { loadDashboardContext } from '@/lib/server/analytics/page-context';
import type { SearchParams } from '@/lib/server/analytics/params';
import { loadPromptMetrics } from '@/lib/server/analytics/prompt-metrics';
import { loadPromptPage, promptPageMetadata } from '@/lib/server/prompts/prompt-page';

export const generateMetadata = promptPageMetadata('Metrics');

/** A prompt's cost, latency, errors and suite scores per version, with its production moves. */
export default async function PromptMetricsPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { id } = await params;
  const { summary } = await loadPromptPage(decodeURIComponent(id));
  const { prompt: _prompt, ...search } = await searchParams;
  const context = await loadDashboardContext(search);
  const metrics = context.parsed.ok
    ? await loadPromptMetrics(context.db, context.viewer.workspaceId, summary.id, context.parsed.filters)
    : undefined;
  const problems = !context.parsed.ok
    ? context.parsed.problems
    : metrics?.ok === false
      ? metrics.problems
      : [];
  const basePath = `/prompts/${encodeURIComponent(summary.id)}/metrics`;
  return (
    <div className="space-y-6">
      <FilterBar
        basePath={basePath}
        values={context.values}
        models={metrics?.ok ? metrics.data.models : []}
        sources={context.sources}
      />
      {metrics?.ok ? (
        <PromptMetrics
          data={metrics.data}
          playgroundHref={`/prompts/${encodeURIComponent(summary.id)}/playground`}
        />
      ) : (
        <FilterProblems problems={problems} resetHref={basePath} />
      )}
    </div>
  );
}
