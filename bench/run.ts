// `npm run bench`: runs every benchmark in one process, prints a table of figures against their
// goals, and merges them into bench/results.json. Each figure is a ratio or difference against a
// peer measured in the same run, so it means the same on a busy or an idle machine.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runExecutorBench } from './executor.bench';
import { runOptimizerBench } from './optimizer.bench';
import { runRegistryBench } from './registry.bench';
import { runRenderBench } from './render.bench';

const RESULTS = path.join(import.meta.dirname, 'results.json');

/** Goals from the issues: `min` means at least, `max` at most. */
const GOALS: Record<string, { min?: number; max?: number }> = {
  'render.mixed_vs_handlebars': { min: 0.5 },
  'render.interp_vs_handlebars': { min: 1.0 },
  'executor.added_p50_us': { max: 50 },
  'executor.added_p99_us': { max: 300 },
  'registry.memory_get_label_p50_us': { max: 5 },
  'registry.postgres_get_label_p50_ms': { max: 1.5 },
  'optimizer.assign_per_s': { min: 1_000_000 },
  'optimizer.aa_false_positive_rate': { max: 0.05 },
  'optimizer.power_at_5pct_lift': { min: 0.8 },
  'analytics.panel_p95_ms': { max: 50 },
  'analytics.speedup_vs_raw': { min: 20 },
  'analytics.p95_relative_error': { max: 0.025 },
};

const SUITES: [string, () => Promise<Record<string, number>>][] = [
  ['render', runRenderBench],
  ['executor', runExecutorBench],
  ['registry', runRegistryBench],
  ['optimizer', runOptimizerBench],
];

function verdict(name: string, value: number): string {
  const goal = GOALS[name];
  if (!goal) return '';
  const ok = (goal.min === undefined || value >= goal.min) && (goal.max === undefined || value <= goal.max);
  const text = goal.min !== undefined ? `≥ ${goal.min}` : `≤ ${goal.max}`;
  return `${ok ? 'meets' : 'MISSES'} ${text}`;
}

export async function recordResults(figures: Record<string, number>): Promise<void> {
  const previous = JSON.parse(await readFile(RESULTS, 'utf8').catch(() => '{}')) as Record<string, number>;
  await writeFile(RESULTS, JSON.stringify({ ...previous, ...figures }, null, 2) + '\n');
}

const only = process.argv.slice(2);
const figures: Record<string, number> = {};
for (const [name, run] of SUITES) {
  if (only.length > 0 && !only.includes(name)) continue;
  console.error(`• ${name}…`);
  Object.assign(figures, await run());
}
console.log('\n| figure | value | goal |\n|---|---:|---|');
for (const [name, value] of Object.entries(figures))
  console.log(`| ${name} | ${value} | ${verdict(name, value)} |`);
await recordResults(figures);
console.log(`\nWritten to ${path.relative(process.cwd(), RESULTS)}`);
