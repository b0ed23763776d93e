// `npm run bench`: runs every benchmark, prints a table of figures against their goals, and merges
// them into bench/results.json. Each figure is a ratio or difference against a peer measured in
// the same run, so it means the same on a busy or an idle machine. Each suite runs in a process of
// its own: a suite must not inherit another's heap and compiled code (the registry's microsecond
// reads ran 3x slower after the executor's 20,000 HTTP calls in one process).
//   npm run bench [-- render template executor registry optimizer suite suite-cases experiments experiments-aa]
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runExecutorBench } from './executor.bench';
import { runExperimentsBench } from './experiments.bench';
import { runExperimentsAaBench } from './experiments-aa.bench';
import { runOptimizerBench } from './optimizer.bench';
import { runRegistryBench } from './registry.bench';
import { runRenderBench } from './render.bench';
import { runSuiteBench } from './suite.bench';
import { runSuiteCasesBench } from './suite-cases.bench';
import { runTemplateBench } from './template.bench';

const RESULTS = path.join(import.meta.dirname, 'results.json');

/** Goals from the issues: `min` means at least, `max` at most. */
const GOALS: Record<string, { min?: number; max?: number }> = {
  'render.mixed_vs_handlebars': { min: 0.5 },
  'render.interp_vs_handlebars': { min: 1.0 },
  'template.analyze_256kb_ms': { max: 100 },
  'template.analyze_ratio_256kb_16kb': { max: 20 },
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
  'suite.wall_vs_ideal': { max: 1.2 },
  'suite.progress_lag_p95_ms': { max: 1000 },
  'suite.case_page_p95_ms': { max: 100 },
  'experiments.results_p95_ms': { max: 150 },
  'experiments.aa_serving_false_positive_rate': { max: 0.05 },
  'scale.invalidation_p99_ms': { max: 100 },
  'scale.cached_get_prompt_vs_uncached_rps': { min: 3 },
};

const SUITES: [string, () => Promise<Record<string, number>>][] = [
  ['render', runRenderBench],
  ['template', runTemplateBench],
  ['executor', runExecutorBench],
  ['registry', runRegistryBench],
  ['optimizer', runOptimizerBench],
  ['suite', runSuiteBench],
  ['suite-cases', () => runSuiteCasesBench({ log: (line) => console.error(line) })],
  ['experiments', () => runExperimentsBench({ log: (line) => console.error(line) })],
  ['experiments-aa', () => runExperimentsAaBench({ log: (line) => console.error(line) })],
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

/** Runs one suite in a fresh node process (same flags as this one) and returns its figures. */
function runInChild(name: string): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...process.execArgv, import.meta.filename, '--suite', name],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        process.stderr.write(stderr);
        if (error) reject(new Error(`bench suite ${name} failed: ${error.message}`));
        else resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, number>);
      },
    );
  });
}

const args = process.argv.slice(2);
if (args[0] === '--suite') {
  const suite = SUITES.find(([name]) => name === args[1]);
  if (!suite) throw new Error(`unknown bench suite ${args[1]}`);
  console.log(JSON.stringify(await suite[1]()));
  process.exit(0);
}
const unknown = args.filter((name) => !SUITES.some(([suite]) => suite === name));
if (unknown.length > 0) {
  console.error(`unknown bench suite(s): ${unknown.join(', ')}; known: ${SUITES.map(([n]) => n).join(', ')}`);
  process.exit(2);
}
const figures: Record<string, number> = {};
for (const [name] of SUITES) {
  if (args.length > 0 && !args.includes(name)) continue;
  console.error(`• ${name}…`);
  Object.assign(figures, await runInChild(name));
}
console.log('\n| figure | value | goal |\n|---|---:|---|');
for (const [name, value] of Object.entries(figures))
  console.log(`| ${name} | ${value} | ${verdict(name, value)} |`);
await recordResults(figures);
console.log(`\nWritten to ${path.relative(process.cwd(), RESULTS)}`);
