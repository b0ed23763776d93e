import 'server-only';
import type { Prisma, PrismaClient } from '@/lib/generated/prisma/client';
import type { LabelMoveAttempt } from '@/lib/adapters/prisma/registry';
import { invalidField, LoomError } from '@/lib/loom/core';
import { mcnemarTest } from '@/lib/loom/evaluator';
import { formatCount, formatPercent } from '@/components/suites/format';
import { ACTIVE_RUN_STATUSES } from '@/components/suites/types';
import {
  MAX_OVERRIDE_REASON,
  MIN_OVERRIDE_REASON,
  type GateCheck,
  type GateEvidence,
  type GateResult,
  type GateSettings,
  type GateSuiteOption,
} from '@/components/prompts/gate-types';
import { writeAudit } from '../audit';
import { can } from '../auth/permissions';
import type { Viewer } from '../auth/session';

// The release gate of a prompt: the evidence a version needs before it may carry `production`.
//
// Rules (tested in gate.test.ts):
// - A gate names one suite S (targeting the prompt) and at least one condition: a minimum pass
//   rate T (0..1) and/or "no significant regression against production".
// - Evidence for version v is the most recent FINISHED run (completed or completed_with_errors) of
//   S on exactly v, preferring runs on the suite's latest revision; queued, running, cancelled and
//   failed runs never count. Ties on finishedAt go to the newest created.
// - A case passes when its reviewer says so, else when it passed automatically and did not error
//   (errors count as failures). Pass rate = passing cases / cases with a result in that run.
// - Pass rate: passes when rate ≥ T. No finished run (or a run with no case results) fails and
//   says what to run.
// - No regression: the candidate run is compared with the most recent finished run of S on the
//   version production points at, preferring the candidate's suite revision (when the revisions
//   differ the message says so). Cases are paired by caseId; McNemar's exact test (paired.ts)
//   with verdict 'regression' fails the check. No production run fails, saying what to run.
//   Nothing in production yet: nothing to regress from, the check passes.
// - When v is production already, nothing is checked (passed, no checks).
// - Enforcement runs inside the label move's transaction, after the prompt's row is locked
//   (see `productionGateGuard`): two moves of one prompt's labels are serialised, and the gate,
//   the production label and the runs are read at that moment. A run finishing concurrently can
//   only add evidence; a review or gate edit committed during the move is seen by the next move.

type Db = PrismaClient | Prisma.TransactionClient;
type Actor = Pick<Viewer, 'workspaceId' | 'userId' | 'email' | 'role'>;

export const PRODUCTION_LABEL = 'production';
/** Run statuses whose results are complete enough to be evidence. */
export const FINISHED_RUN_STATUSES = ['completed', 'completed_with_errors'] as const;
/** Float slack so that e.g. 16 of 20 meets 0.8 exactly. */
const EPSILON = 1e-9;

export const gateSubject = (promptId: string) => `prompt:${promptId}`;

// ---------------------------------------------------------------------------------------------
// Settings

export async function findGate(db: Db, workspaceId: string, promptId: string): Promise<GateSettings> {
  const gate = await db.promotionGate.findUnique({
    where: { workspaceId_promptId: { workspaceId, promptId } },
  });
  if (!gate || gate.suiteId === null) {
    return {
      suiteId: null,
      suiteName: null,
      minPassRate: null,
      requireNoRegression: false,
      updatedAt: gate?.updatedAt.toISOString() ?? null,
      updatedBy: gate?.updatedBy ?? null,
    };
  }
  const suite = await db.suite.findUnique({
    where: { workspaceId_id: { workspaceId, id: gate.suiteId } },
    select: { name: true },
  });
  return {
    suiteId: gate.suiteId,
    suiteName: suite?.name ?? null,
    minPassRate: gate.minPassRate,
    requireNoRegression: gate.requireNoRegression,
    updatedAt: gate.updatedAt.toISOString(),
    updatedBy: gate.updatedBy,
  };
}

/** Suites that may back the gate: those of the workspace that target this prompt, not archived. */
export async function listGateSuites(
  db: Db,
  workspaceId: string,
  promptId: string,
): Promise<GateSuiteOption[]> {
  return db.suite.findMany({
    where: { workspaceId, promptId, archivedAt: null },
    select: { id: true, name: true },
    orderBy: { name: 'asc' },
  });
}

export interface SaveGateInput {
  promptId: string;
  /** null with no conditions removes the gate. */
  suiteId: string | null;
  minPassRate: number | null;
  requireNoRegression: boolean;
}

/** Sets or removes a prompt's gate (admins only) and records it in the prompt's audit log. */
export async function saveGate(
  prisma: PrismaClient,
  actor: Actor,
  input: SaveGateInput,
): Promise<GateSettings> {
  if (!can(actor.role, 'manage')) {
    throw new LoomError(
      'FORBIDDEN',
      `Your role (${actor.role}) may not change the release gate; ask an admin.`,
    );
  }
  const hasCondition = input.minPassRate !== null || input.requireNoRegression;
  const remove = input.suiteId === null && !hasCondition;
  if (!remove) {
    if (input.suiteId === null)
      throw invalidField('suiteId', 'Choose the suite whose runs are the evidence.');
    if (!hasCondition) {
      throw invalidField(
        'minPassRate',
        'Set a minimum pass rate, require no significant regression, or both (or choose no suite to turn the gate off).',
      );
    }
    if (input.minPassRate !== null && !(input.minPassRate >= 0 && input.minPassRate <= 1)) {
      throw invalidField('minPassRate', 'The minimum pass rate must be between 0% and 100%.');
    }
  }
  return prisma.$transaction(async (tx) => {
    const prompt = await tx.prompt.findUnique({
      where: { workspaceId_slug: { workspaceId: actor.workspaceId, slug: input.promptId } },
      select: { id: true },
    });
    if (!prompt) throw new LoomError('NOT_FOUND', `Prompt "${input.promptId}" not found.`);
    const where = { workspaceId_promptId: { workspaceId: actor.workspaceId, promptId: input.promptId } };
    if (remove) {
      await tx.promotionGate.deleteMany({
        where: { workspaceId: actor.workspaceId, promptId: input.promptId },
      });
      await writeAudit(tx, actor, 'gate.update', gateSubject(input.promptId), { removed: true });
      return findGate(tx, actor.workspaceId, input.promptId);
    }
    const suite = await tx.suite.findUnique({
      where: { workspaceId_id: { workspaceId: actor.workspaceId, id: input.suiteId ?? '' } },
      select: { name: true, promptId: true, archivedAt: true },
    });
    if (!suite || suite.archivedAt !== null) {
      throw invalidField('suiteId', 'That suite does not exist (or is archived); choose another.');
    }
    if (suite.promptId !== input.promptId) {
      throw invalidField(
        'suiteId',
        `Suite "${suite.name}" targets another prompt; choose a suite of "${input.promptId}".`,
      );
    }
    const data = {
      suiteId: input.suiteId,
      minPassRate: input.minPassRate,
      requireNoRegression: input.requireNoRegression,
      updatedBy: actor.email,
    };
    await tx.promotionGate.upsert({
      where,
      create: { workspaceId: actor.workspaceId, promptId: input.promptId, ...data },
      update: data,
    });
    await writeAudit(tx, actor, 'gate.update', gateSubject(input.promptId), {
      suiteId: input.suiteId,
      suiteName: suite.name,
      minPassRate: input.minPassRate,
      requireNoRegression: input.requireNoRegression,
    });
    return findGate(tx, actor.workspaceId, input.promptId);
  });
}

// ---------------------------------------------------------------------------------------------
// Checking

interface RunRow {
  id: string;
  suiteRevision: number;
  promptVersion: number;
}

/** The evidence run of `version`: most recent finished, on `preferRevision` when there is one. */
async function findEvidenceRun(
  db: Db,
  workspaceId: string,
  scope: { suiteId: string; promptId: string; version: number },
  preferRevision: number | undefined,
): Promise<RunRow | null> {
  const where = {
    workspaceId,
    suiteId: scope.suiteId,
    promptId: scope.promptId,
    promptVersion: scope.version,
    status: { in: [...FINISHED_RUN_STATUSES] },
  };
  const orderBy = [
    { finishedAt: { sort: 'desc' as const, nulls: 'last' as const } },
    { createdAt: 'desc' as const },
  ];
  const select = { id: true, suiteRevision: true, promptVersion: true };
  if (preferRevision !== undefined) {
    const preferred = await db.evalRun.findFirst({
      where: { ...where, suiteRevision: preferRevision },
      orderBy,
      select,
    });
    if (preferred) return preferred;
  }
  return db.evalRun.findFirst({ where, orderBy, select });
}

/** Each case's verdict in a run: the reviewer's when reviewed, else passed and not errored. */
async function caseVerdicts(db: Db, workspaceId: string, runId: string): Promise<Map<string, boolean>> {
  const rows = await db.$queryRaw<{ caseId: string; pass: boolean }[]>`
    SELECT r."caseId", COALESCE(rv."pass", r."pass" AND NOT r."errored") AS "pass"
    FROM "SuiteCaseResult" r
    LEFT JOIN "CaseReview" rv
      ON rv."workspaceId" = r."workspaceId" AND rv."runId" = r."runId" AND rv."caseId" = r."caseId"
    WHERE r."workspaceId" = ${workspaceId} AND r."runId" = ${runId}`;
  return new Map(rows.map((r) => [r.caseId, r.pass]));
}

function passRateOf(verdicts: Map<string, boolean>): { passed: number; n: number; rate: number } {
  let passed = 0;
  for (const pass of verdicts.values()) if (pass) passed++;
  const n = verdicts.size;
  return { passed, n, rate: n === 0 ? 0 : passed / n };
}

async function hasUnfinishedRun(
  db: Db,
  workspaceId: string,
  scope: { suiteId: string; promptId: string; version: number },
): Promise<boolean> {
  const run = await db.evalRun.findFirst({
    where: {
      workspaceId,
      suiteId: scope.suiteId,
      promptId: scope.promptId,
      promptVersion: scope.version,
      status: { in: [...ACTIVE_RUN_STATUSES] },
    },
    select: { id: true },
  });
  return run !== null;
}

async function findProductionVersion(db: Db, workspaceId: string, promptId: string): Promise<number | null> {
  const label = await db.promptLabel.findFirst({
    where: { label: PRODUCTION_LABEL, prompt: { workspaceId, slug: promptId } },
    select: { version: true },
  });
  return label?.version ?? null;
}

const formatP = (p: number) => (p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);

/**
 * Whether `version` of the prompt passes its release gate, with each check's finding in plain words
 * and the runs it rests on. `productionVersion` may be passed when the caller already read it
 * under the prompt's lock (undefined: read it here).
 */
export async function checkGate(
  db: Db,
  workspaceId: string,
  promptId: string,
  version: number,
  options: { productionVersion?: number | null } = {},
): Promise<GateResult> {
  const productionVersion =
    options.productionVersion !== undefined
      ? options.productionVersion
      : await findProductionVersion(db, workspaceId, promptId);
  const base = { version, productionVersion, isProduction: productionVersion === version };
  const gate = await db.promotionGate.findUnique({
    where: { workspaceId_promptId: { workspaceId, promptId } },
  });
  const suiteId = gate?.suiteId ?? null;
  if (!gate || suiteId === null || (gate.minPassRate === null && !gate.requireNoRegression)) {
    return { ...base, enabled: false, passed: true, checks: [] };
  }
  if (base.isProduction) return { ...base, enabled: true, passed: true, checks: [] };

  const kinds = [
    ...(gate.minPassRate !== null ? (['passRate'] as const) : []),
    ...(gate.requireNoRegression ? (['noRegression'] as const) : []),
  ];
  const suite = await db.suite.findUnique({
    where: { workspaceId_id: { workspaceId, id: suiteId } },
    select: { name: true, revision: true },
  });
  if (!suite) {
    const message = 'The gate’s suite no longer exists; an admin should choose another suite for the gate.';
    return {
      ...base,
      enabled: true,
      passed: false,
      checks: kinds.map((kind) => ({ kind, passed: false, message })),
    };
  }
  const scope = { suiteId, promptId, version };
  const suiteName = `“${suite.name}”`;
  const run = await findEvidenceRun(db, workspaceId, scope, suite.revision);
  const verdicts = run ? await caseVerdicts(db, workspaceId, run.id) : new Map<string, boolean>();
  const totals = passRateOf(verdicts);
  let missingRun: string | undefined;
  if (!run) {
    const inProgress = (await hasUnfinishedRun(db, workspaceId, scope))
      ? ' A run is still in progress; only finished runs count.'
      : '';
    missingRun = `No finished run of suite ${suiteName} on v${version}. Run the suite on v${version} first.${inProgress}`;
  } else if (totals.n === 0) {
    missingRun = `The run of suite ${suiteName} on v${version} has no case results. Run the suite on v${version} again.`;
  }
  const olderRevision =
    run && run.suiteRevision !== suite.revision
      ? ` (This run used revision ${run.suiteRevision}; the suite is now at revision ${suite.revision}.)`
      : '';

  const checks: GateCheck[] = [];
  if (gate.minPassRate !== null) {
    const min = gate.minPassRate;
    if (!run || missingRun) {
      checks.push({ kind: 'passRate', passed: false, message: missingRun ?? '' });
    } else {
      const passed = totals.rate + EPSILON >= min;
      const found = `Pass rate ${formatPercent(totals.rate)} (${totals.passed} of ${formatCount(totals.n, 'case')}) on suite ${suiteName}`;
      checks.push({
        kind: 'passRate',
        passed,
        message: `${found} ${passed ? 'meets' : 'is below'} the minimum of ${formatPercent(min)}.${olderRevision}`,
        evidence: evidence(run, suiteId, totals, null),
      });
    }
  }
  if (gate.requireNoRegression) {
    checks.push(
      await regressionCheck(db, workspaceId, {
        ...scope,
        suiteName,
        productionVersion,
        run,
        verdicts,
        totals,
        missingRun,
      }),
    );
  }
  return { ...base, enabled: true, passed: checks.every((c) => c.passed), checks };
}

function evidence(
  run: RunRow,
  suiteId: string,
  totals: { rate: number; n: number },
  comparison: { pValue: number; lost: number; gained: number; n: number; productionRun: RunRow } | null,
): GateEvidence {
  return {
    runId: run.id,
    suiteId,
    suiteRevision: run.suiteRevision,
    passRate: totals.rate,
    n: comparison?.n ?? totals.n,
    pValue: comparison?.pValue ?? null,
    lost: comparison?.lost ?? null,
    gained: comparison?.gained ?? null,
    productionRunId: comparison?.productionRun.id ?? null,
    productionVersion: comparison?.productionRun.promptVersion ?? null,
  };
}

async function regressionCheck(
  db: Db,
  workspaceId: string,
  c: {
    suiteId: string;
    promptId: string;
    version: number;
    suiteName: string;
    productionVersion: number | null;
    run: RunRow | null;
    verdicts: Map<string, boolean>;
    totals: { rate: number; n: number };
    missingRun: string | undefined;
  },
): Promise<GateCheck> {
  const kind = 'noRegression' as const;
  if (c.productionVersion === null) {
    return {
      kind,
      passed: true,
      message: 'Nothing is in production yet, so there is nothing to regress from.',
    };
  }
  const prod = c.productionVersion;
  if (!c.run || c.missingRun) return { kind, passed: false, message: c.missingRun ?? '' };
  const productionRun = await findEvidenceRun(
    db,
    workspaceId,
    { suiteId: c.suiteId, promptId: c.promptId, version: prod },
    c.run.suiteRevision,
  );
  if (!productionRun) {
    return {
      kind,
      passed: false,
      message: `No finished run of suite ${c.suiteName} on production v${prod} to compare with. Run the suite on v${prod} too.`,
      evidence: evidence(c.run, c.suiteId, c.totals, null),
    };
  }
  const baseline = await caseVerdicts(db, workspaceId, productionRun.id);
  const pairs: { before: boolean; after: boolean }[] = [];
  for (const [caseId, after] of c.verdicts) {
    const before = baseline.get(caseId);
    if (before !== undefined) pairs.push({ before, after });
  }
  const revisions =
    productionRun.suiteRevision !== c.run.suiteRevision
      ? ` The runs used different suite revisions (${productionRun.suiteRevision} on v${prod}, ${c.run.suiteRevision} on v${c.version}); only cases in both are compared.`
      : '';
  if (pairs.length === 0) {
    return {
      kind,
      passed: false,
      message: `The runs on v${c.version} and production v${prod} share no cases to compare.${revisions} Run the suite on both versions at the same revision.`,
    };
  }
  const test = mcnemarTest(pairs);
  const comparison = { pValue: test.pValue, lost: test.lost, gained: test.gained, n: test.n, productionRun };
  const counts = `${formatCount(test.lost, 'case')} passing on v${prod} ${test.lost === 1 ? 'fails' : 'fail'} on v${c.version}, ${test.gained} the other way, of ${formatCount(test.n, 'paired case')}; ${formatP(test.pValue)}`;
  const regressed = test.verdict === 'regression';
  return {
    kind,
    passed: !regressed,
    message: `${regressed ? 'Significant regression' : 'No significant regression'} against production v${prod}: ${counts}.${revisions}`,
    evidence: evidence(c.run, c.suiteId, c.totals, comparison),
  };
}

// ---------------------------------------------------------------------------------------------
// Enforcement

/** What the audit log keeps of a check an admin overrode. */
export interface OverriddenCheck {
  kind: GateCheck['kind'];
  message: string;
  runId: string | null;
}

export interface GateOverride {
  reason: string;
  /** Called with the failed checks when the override was needed (not when the gate passed). */
  onOverride: (failed: OverriddenCheck[]) => void;
}

/** Refuses an override that is not an admin's or whose reason is too short or too long. */
export function assertMayOverride(actor: Pick<Viewer, 'role'>, label: string, reason: string): string {
  if (actor.role !== 'admin') {
    throw new LoomError(
      'FORBIDDEN',
      `Only an admin may override the release gate (your role: ${actor.role}).`,
    );
  }
  if (label !== PRODUCTION_LABEL)
    throw invalidField('overrideReason', 'Only the production label has a release gate.');
  const trimmed = reason.trim();
  if (trimmed.length < MIN_OVERRIDE_REASON || trimmed.length > MAX_OVERRIDE_REASON) {
    throw invalidField(
      'overrideReason',
      `Write why this version may skip the gate, in ${MIN_OVERRIDE_REASON} to ${MAX_OVERRIDE_REASON} characters.`,
    );
  }
  return trimmed;
}

/**
 * The registry's `beforeLabelMove` hook that enforces the gate on `production`, inside the move's
 * transaction with the prompt's row locked. Without an override a failing gate throws GATE_FAILED
 * listing the failed checks; with one, the move goes ahead and the failed checks are handed over.
 */
export function productionGateGuard(override?: GateOverride) {
  return async (tx: Prisma.TransactionClient, move: LabelMoveAttempt): Promise<void> => {
    if (move.label !== PRODUCTION_LABEL) return;
    const result = await checkGate(tx, move.workspaceId, move.promptId, move.version, {
      productionVersion: move.from ?? null,
    });
    if (result.passed) return;
    const failed = result.checks.filter((c) => !c.passed);
    if (override) {
      override.onOverride(
        failed.map((c) => ({ kind: c.kind, message: c.message, runId: c.evidence?.runId ?? null })),
      );
      return;
    }
    throw new LoomError(
      'GATE_FAILED',
      `v${move.version} does not pass the release gate: ${failed.map((c) => c.message).join(' ')}`,
      { checks: failed },
    );
  };
}
