// Optimizer figures: assignment throughput (against a bare FNV-1a hash of the same ids, measured in
// the same run) and the sequential test's A/A false-positive rate and power from simulation.
// Prints JSON when run directly: npx tsx bench/optimizer.bench.ts
import { pathToFileURL } from 'node:url';
import { createAssigner, plannedSampleSize, simulateBinaryExperiments } from '@/lib/loom/optimizer';
import { measureOpsPerSecond } from './harness';

/** A power of two, so the benchmark cycles through ids with a mask instead of a division. */
const UNITS = 1 << 16;
const MASK = UNITS - 1;
const CALLS_PER_OP = 64;

/** The peer: FNV-1a over the same unit ids, with nothing else. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export async function runOptimizerBench(): Promise<Record<string, number>> {
  const ids = Array.from({ length: UNITS }, (_, i) => `user-${i.toString(36)}-${(i * 2654435761) >>> 0}`);
  const assign = createAssigner({
    id: 'bench-experiment',
    promptId: 'bench',
    variants: [
      { name: 'control', version: 1, weight: 50 },
      { name: 'b', version: 2, weight: 30 },
      { name: 'c', version: 3, weight: 20 },
    ],
    metric: { kind: 'binary' },
  });
  // Each measured call does CALLS_PER_OP calls, so the harness's own per-call cost does not dominate.
  let next = 0;
  let sink = 0;
  const assignPerSecond =
    CALLS_PER_OP *
    (await measureOpsPerSecond(() => {
      for (let i = 0; i < CALLS_PER_OP; i++) sink += assign(ids[next++ & MASK] as string).version;
    }));
  const hashPerSecond =
    CALLS_PER_OP *
    (await measureOpsPerSecond(() => {
      for (let i = 0; i < CALLS_PER_OP; i++) sink += fnv1a(ids[next++ & MASK] as string);
    }));
  if (Number.isNaN(sink)) throw new Error('unreachable: keeps the measured calls alive');

  const samplesPerArm = plannedSampleSize({ baselineRate: 0.1, relativeLift: 0.05, alpha: 0.05, power: 0.8 });
  const simulation = { looks: 30, samplesPerArm, minSamplesPerArm: 1000 };
  const aa = simulateBinaryExperiments({ ...simulation, experiments: 10_000, rates: [0.1, 0.1], seed: 1 });
  const lift = simulateBinaryExperiments({ ...simulation, experiments: 2000, rates: [0.1, 0.105], seed: 2 });

  return {
    'optimizer.assign_per_s': Math.round(assignPerSecond),
    'optimizer.hash_per_s': Math.round(hashPerSecond),
    'optimizer.assign_vs_hash_ratio': round(assignPerSecond / hashPerSecond),
    'optimizer.planned_samples_per_arm': samplesPerArm,
    'optimizer.aa_false_positive_rate': aa.decidedRate,
    'optimizer.power_at_5pct_lift': lift.correctRate,
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await runOptimizerBench(), null, 2));
}
