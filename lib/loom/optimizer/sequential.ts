/**
 * Always-valid test for a difference of means: the mixture sequential probability ratio test
 * (mSPRT, Johari et al. 2017; the normal-mixture confidence sequence of Howard et al. 2021).
 *
 * With D the observed difference and V its variance, a normal prior N(0, τ²) on the true difference
 * gives the mixture likelihood ratio
 *   Λ = sqrt(V / (V + τ²)) · exp(D² τ² / (2 V (V + τ²))).
 * Under "no difference" Λ is a nonnegative martingale, so by Ville's inequality
 * P(Λ ever reaches 1/α) ≤ α: 1/Λ is a p-value that stays valid however often it is looked at, and
 *   D ± sqrt(V (V + τ²) / τ² · (2 ln(1/α) + ln((V + τ²) / V)))
 * is a confidence sequence for the difference.
 */

export interface MixtureTestInput {
  difference: number;
  /** Variance of `difference` (sum of the arms' squared standard errors). */
  variance: number;
  /** τ²: the prior variance of the true difference; the test is most sensitive when V ≈ τ² / ratio. */
  mixingVariance: number;
  alpha: number;
}

export interface MixtureTestResult {
  /** Always-valid p-value, 1/Λ capped at 1. */
  pValue: number;
  /** Confidence-sequence bounds on the difference at level 1 - alpha. */
  interval: [number, number];
}

export function mixtureSequentialTest({
  difference,
  variance,
  mixingVariance,
  alpha,
}: MixtureTestInput): MixtureTestResult {
  if (!(mixingVariance > 0)) {
    // A point prior at 0 makes Λ ≡ 1: the mixture never gathers evidence, whatever was observed.
    return { pValue: 1, interval: [-Infinity, Infinity] };
  }
  if (!(variance > 0)) {
    // No spread in either arm: the observed difference is exact.
    return { pValue: difference === 0 ? 1 : 0, interval: [difference, difference] };
  }
  const total = variance + mixingVariance;
  const logLikelihoodRatio =
    0.5 * Math.log(variance / total) + (difference * difference * mixingVariance) / (2 * variance * total);
  const pValue = Math.min(1, Math.exp(-logLikelihoodRatio));
  const halfWidth = Math.sqrt(
    ((variance * total) / mixingVariance) * (2 * Math.log(1 / alpha) + Math.log(total / variance)),
  );
  return { pValue, interval: [difference - halfWidth, difference + halfWidth] };
}

/** |D| / sqrt(V) needed to reject when τ² = ratio · V. */
export function boundaryZ(alpha: number, ratio: number): number {
  return Math.sqrt((1 + 1 / ratio) * (2 * Math.log(1 / alpha) + Math.log(1 + ratio)));
}

const GOLDEN = (Math.sqrt(5) - 1) / 2;

/**
 * The ratio τ²/V that makes the boundary narrowest (about 8 at alpha 0.05). Setting τ² to this ratio
 * times V at the planned sample size tunes the test to that horizon; the boundary is flat near the
 * optimum, so a rough plan costs little.
 */
export function optimalMixingRatio(alpha: number): number {
  let low = Math.log(0.01);
  let high = Math.log(10_000);
  for (let i = 0; i < 48; i++) {
    const a = high - GOLDEN * (high - low);
    const b = low + GOLDEN * (high - low);
    if (boundaryZ(alpha, Math.exp(a)) < boundaryZ(alpha, Math.exp(b))) high = b;
    else low = a;
  }
  return Math.exp((low + high) / 2);
}
