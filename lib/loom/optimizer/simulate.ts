import { analyzeParsed } from './analyze';
import { parseExperiment } from './experiment';
import { addOutcomes, type ArmTotals } from './store';

/** A seeded generator (sfc32) so simulations are reproducible; returns floats in [0, 1). */
export function createRandom(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4_294_967_296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

function standardNormal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Below this mean count the normal approximation of a binomial is too coarse; draw exactly. */
const EXACT_BINOMIAL_BELOW = 30;

/**
 * Successes in `trials` Bernoulli(p) draws: exact (geometric waiting times) for small counts, normal
 * approximation with continuity rounding for large ones, which is what per-look totals need.
 */
export function binomial(random: () => number, trials: number, p: number): number {
  if (trials <= 0 || p <= 0) return 0;
  if (p >= 1) return trials;
  const flipped = p > 0.5;
  const q = flipped ? 1 - p : p;
  let successes: number;
  if (trials * q < EXACT_BINOMIAL_BELOW) {
    const logFailure = Math.log(1 - q);
    successes = 0;
    let position = 0;
    for (;;) {
      position += Math.floor(Math.log(1 - random()) / logFailure) + 1;
      if (position > trials) break;
      successes += 1;
    }
  } else {
    const draw = Math.round(trials * q + Math.sqrt(trials * q * (1 - q)) * standardNormal(random));
    successes = Math.min(trials, Math.max(0, draw));
  }
  return flipped ? trials - successes : successes;
}

export interface BinarySimulationInput {
  experiments: number;
  /** Interim analyses, evenly spaced; each adds samplesPerArm / looks units to every arm. */
  looks: number;
  samplesPerArm: number;
  /** True conversion rate of each arm; the first is the control. */
  rates: number[];
  confidence?: number;
  minSamplesPerArm?: number;
  /** Horizon the test is tuned for; defaults to samplesPerArm. */
  plannedSamplesPerArm?: number;
  seed?: number;
}

export interface SimulationResult {
  experiments: number;
  /** Experiments where any look declared a winner (false positives when all rates are equal). */
  decided: number;
  /** Experiments whose first winner was the arm with the best true rate. */
  correct: number;
  decidedRate: number;
  correctRate: number;
  /** Mean look at which a decision came, over decided experiments (1-based). */
  meanDecisionLook: number;
}

/**
 * Runs many binary experiments through `analyze` at every look, stopping each at its first winner
 * (as the runner does). Draws per-look binomial totals instead of individual units, so 10,000
 * experiments with 30 looks take seconds.
 */
export function simulateBinaryExperiments(input: BinarySimulationInput): SimulationResult {
  const { experiments, looks, samplesPerArm, rates } = input;
  const random = createRandom(input.seed ?? 1);
  const experiment = parseExperiment({
    id: 'simulation',
    promptId: 'simulation',
    variants: rates.map((_, index) => ({ name: `arm-${index}`, version: index + 1, weight: 1 })),
    metric: { kind: 'binary' },
    minSamplesPerArm: input.minSamplesPerArm ?? 100,
    confidence: input.confidence ?? 0.95,
    plannedSamplesPerArm: input.plannedSamplesPerArm ?? samplesPerArm,
  });
  const bestRate = Math.max(...rates);
  const perLook = Math.floor(samplesPerArm / looks);
  let decided = 0;
  let correct = 0;
  let decisionLooks = 0;

  for (let run = 0; run < experiments; run++) {
    const arms: ArmTotals[] = rates.map((_, index) => ({
      variant: `arm-${index}`,
      exposures: 0,
      outcomes: 0,
      sum: 0,
      sumSquaredDeviations: 0,
    }));
    for (let look = 1; look <= looks; look++) {
      arms.forEach((arm, index) => {
        const successes = binomial(random, perLook, rates[index] as number);
        arm.exposures += perLook;
        // Σ (x - mean)² of `successes` ones among `perLook` zeros and ones.
        const deviations = (successes * (perLook - successes)) / perLook;
        addOutcomes(arm, { count: perLook, sum: successes, sumSquaredDeviations: deviations });
      });
      const { verdict } = analyzeParsed(experiment, { experimentId: 'simulation', arms });
      if (verdict.status === 'winner' && verdict.winner) {
        decided += 1;
        decisionLooks += look;
        if (rates[verdict.winner.version - 1] === bestRate) correct += 1;
        break;
      }
    }
  }
  return {
    experiments,
    decided,
    correct,
    decidedRate: decided / experiments,
    correctRate: correct / experiments,
    meanDecisionLook: decided > 0 ? decisionLooks / decided : 0,
  };
}
