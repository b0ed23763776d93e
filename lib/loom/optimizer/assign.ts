import { LoomError } from '../core';
import { parseExperiment, type Variant } from './experiment';

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const TWO_POW_32 = 4_294_967_296;

function fnv1a(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h;
}

/** murmur3's finaliser: FNV-1a alone leaves ids differing only in their last character close together. */
function mix32(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Prefix state for an experiment id; the 0 separator keeps ("ab","c") and ("a","bc") apart. */
function experimentSeed(experimentId: string): number {
  return Math.imul(fnv1a(FNV_OFFSET_BASIS, experimentId), FNV_PRIME);
}

/**
 * Maps (experiment id, unit id) to a point in [0, 1): FNV-1a over UTF-16 code units, then murmur3's
 * finaliser. Stable across processes and releases: changing it would reshuffle every running experiment.
 */
export function unitPosition(experimentId: string, unitId: string): number {
  return mix32(fnv1a(experimentSeed(experimentId), unitId)) / TWO_POW_32;
}

export type Assigner = (unitId: string) => Variant;

function checkUnitId(unitId: unknown): asserts unitId is string {
  if (typeof unitId !== 'string' || unitId.length === 0) {
    throw new LoomError('INVALID_INPUT', 'unitId must be a non-empty string', {
      issues: [{ path: 'unitId', message: 'must be a non-empty string' }],
    });
  }
}

/**
 * Validates the experiment once and returns a sticky assigner: the same unit always gets the same
 * variant while the experiment's id and weights stay the same. A call allocates nothing.
 */
export function createAssigner(experimentInput: unknown): Assigner {
  const experiment = parseExperiment(experimentInput);
  const variants = experiment.variants.map((variant) => Object.freeze({ ...variant }));
  const total = variants.reduce((sum, variant) => sum + variant.weight, 0);
  const upperBounds = new Float64Array(variants.length);
  let cumulative = 0;
  let lastServed = 0;
  variants.forEach((variant, index) => {
    cumulative += variant.weight;
    upperBounds[index] = cumulative / total;
    if (variant.weight > 0) lastServed = index;
  });
  // Rounding may leave the last bound a hair under 1; the last arm with traffic takes that sliver.
  upperBounds[lastServed] = 1;
  const count = variants.length;
  const fallback = variants[lastServed] as Variant;
  const seed = experimentSeed(experiment.id);

  return (unitId: string): Variant => {
    checkUnitId(unitId);
    const position = mix32(fnv1a(seed, unitId)) / TWO_POW_32;
    for (let i = 0; i < count; i++) {
      if (position < (upperBounds[i] as number)) return variants[i] as Variant;
    }
    return fallback;
  };
}

/** One-off assignment; for many units build the assigner once with `createAssigner`. */
export function assign(experiment: unknown, unitId: string): Variant {
  return createAssigner(experiment)(unitId);
}
