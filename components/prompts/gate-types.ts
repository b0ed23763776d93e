/** Serializable shapes of a prompt's release gate (lib/server/suites/gate.ts), for the prompts screens. */

/** The gate as set on a prompt; `suiteId: null` means no gate. */
export interface GateSettings {
  suiteId: string | null;
  /** The suite's name, or null when it no longer exists. */
  suiteName: string | null;
  /** 0..1, or null for no pass-rate condition. */
  minPassRate: number | null;
  requireNoRegression: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** A suite that may be chosen for the gate: one that targets the prompt. */
export interface GateSuiteOption {
  id: string;
  name: string;
}

/** The run(s) a check looked at. */
export interface GateEvidence {
  runId: string;
  suiteId: string;
  suiteRevision: number;
  /** The candidate run's pass rate (reviewed verdicts applied; errors count as failures). */
  passRate: number;
  /** Cases counted: the run's cases for the pass rate, the paired cases for a regression test. */
  n: number;
  /** McNemar's exact p-value (regression check only). */
  pValue: number | null;
  /** Cases that passed on production and fail on the candidate, and the other way. */
  lost: number | null;
  gained: number | null;
  /** The production version's run the candidate was compared with. */
  productionRunId: string | null;
  productionVersion: number | null;
}

export type GateCheckKind = 'passRate' | 'noRegression';

export interface GateCheck {
  kind: GateCheckKind;
  passed: boolean;
  /** Plain words: what was found and, when failing, what to run. */
  message: string;
  evidence?: GateEvidence;
}

export interface GateResult {
  /** False when the prompt has no gate: nothing is checked and promotion is free. */
  enabled: boolean;
  passed: boolean;
  version: number;
  /** Where production points now (null: nothing in production). */
  productionVersion: number | null;
  /** The version is production already: nothing to check. */
  isProduction: boolean;
  checks: GateCheck[];
}

/** An admin's reason for promoting a version that fails the gate: long enough to say why. */
export const MIN_OVERRIDE_REASON = 10;
export const MAX_OVERRIDE_REASON = 500;

export const CHECK_TITLE: Record<GateCheckKind, string> = {
  passRate: 'Minimum pass rate',
  noRegression: 'No significant regression',
};

/** Where the evidence of a check can be read: its run, and the comparison with production's run. */
export function evidenceLinks(evidence: GateEvidence | undefined): { run?: string; compare?: string } {
  if (!evidence) return {};
  const suite = encodeURIComponent(evidence.suiteId);
  const run = `/suites/${suite}/runs/${encodeURIComponent(evidence.runId)}`;
  if (evidence.productionRunId === null) return { run };
  const params = new URLSearchParams({ baseline: evidence.productionRunId, runs: evidence.runId });
  return { run, compare: `/suites/${suite}/compare?${params}` };
}
