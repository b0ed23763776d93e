'use client';

import dynamic from 'next/dynamic';

/** recharts in its own chunk, fetched only when a results page renders. */
export const ResultsChartsLazy = dynamic(() => import('./results-charts').then((m) => m.ResultsCharts), {
  ssr: false,
  loading: () => (
    <div className="flex h-56 items-center justify-center text-sm text-zinc-500" data-testid="charts-loading">
      Loading charts…
    </div>
  ),
});
