/**
 * Agreement between two raters of the same items (here: an LLM judge and human reviewers), beyond
 * what chance alone would give. Pure.
 */

/** One item rated twice: by the judge (`a`) and by a reviewer (`b`). */
export interface AgreementPair {
  a: boolean;
  b: boolean;
}

/** The 2×2 table of a binary rating: first word is `a`'s verdict, second `b`'s. */
export interface AgreementTable {
  passPass: number;
  passFail: number;
  failPass: number;
  failFail: number;
}

export type KappaReading =
  'worse than chance' | 'slight' | 'fair' | 'moderate' | 'substantial' | 'almost perfect';

export interface KappaResult {
  n: number;
  agree: number;
  disagree: number;
  table: AgreementTable;
  /** Observed agreement, agree / n (0 without pairs). */
  observed: number;
  /** Agreement expected by chance from each rater's own pass rate. */
  expected: number;
  /**
   * Cohen's kappa in [-1, 1]; undefined when it cannot be computed: no pairs, or both raters gave
   * every item the same single verdict (chance agreement is then 1 and kappa is 0/0).
   */
  kappa: number | undefined;
  /** Why kappa is undefined, in words. */
  undefinedReason?: string;
}

/** Cohen's kappa of binary verdicts: (observed − chance) / (1 − chance). */
export function cohensKappa(pairs: readonly AgreementPair[]): KappaResult {
  const table: AgreementTable = { passPass: 0, passFail: 0, failPass: 0, failFail: 0 };
  for (const { a, b } of pairs) {
    if (a && b) table.passPass += 1;
    else if (a) table.passFail += 1;
    else if (b) table.failPass += 1;
    else table.failFail += 1;
  }
  const n = pairs.length;
  const agree = table.passPass + table.failFail;
  const base = { n, agree, disagree: n - agree, table };
  if (n === 0) {
    return {
      ...base,
      observed: 0,
      expected: 0,
      kappa: undefined,
      undefinedReason: 'no reviewed cases yet',
    };
  }
  const observed = agree / n;
  const aPass = (table.passPass + table.passFail) / n;
  const bPass = (table.passPass + table.failPass) / n;
  const expected = aPass * bPass + (1 - aPass) * (1 - bPass);
  if (expected >= 1) {
    // Both raters used one and the same verdict throughout: agreement says nothing beyond chance.
    return {
      ...base,
      observed,
      expected: 1,
      kappa: undefined,
      undefinedReason: `judge and reviewers gave every case the same verdict (${aPass === 1 ? 'pass' : 'fail'}), so agreement beyond chance cannot be measured`,
    };
  }
  const kappa = (observed - expected) / (1 - expected);
  // Rounding can leave a hair outside [-1, 1] (e.g. 1.0000000000000002).
  return { ...base, observed, expected, kappa: Math.max(-1, Math.min(1, kappa)) };
}

/** Landis and Koch's (1977) bands, the usual plain-words reading of a kappa. */
export function readKappa(kappa: number): KappaReading {
  if (kappa < 0) return 'worse than chance';
  if (kappa <= 0.2) return 'slight';
  if (kappa <= 0.4) return 'fair';
  if (kappa <= 0.6) return 'moderate';
  if (kappa <= 0.8) return 'substantial';
  return 'almost perfect';
}

/** Below this many reviewed cases a kappa swings widely with each new review. */
export const MIN_PAIRS_FOR_KAPPA = 20;
