// How the release gate reads on screen: the audit log's lines, the gate's sentence, evidence links.
import { describe, expect, it } from 'vitest';
import { describeAudit, gateOverrideOf } from './audit-log';
import { evidenceLinks, type GateEvidence } from './gate-types';
import { describeGate } from './release-gate';
import type { AuditRow } from './types';

const row = (action: string, details: Record<string, unknown>): AuditRow => ({
  id: '1',
  actorEmail: 'ana@x.test',
  action,
  details,
  createdAt: '2026-01-01T00:00:00.000Z',
});

describe('audit log', () => {
  it('describes gate changes in plain words', () => {
    expect(
      describeAudit(row('gate.update', { suiteName: 'FAQ', minPassRate: 0.85, requireNoRegression: true })),
    ).toBe('set the release gate on suite “FAQ”: pass rate ≥ 85% and no significant regression');
    expect(describeAudit(row('gate.update', { removed: true }))).toBe('turned the release gate off');
  });

  it('reads an override’s reason and failed checks, and nothing from an ordinary move', () => {
    const details = {
      label: 'production',
      from: 1,
      to: 2,
      gateOverride: {
        reason: 'Hotfix approved',
        failedChecks: [{ kind: 'passRate', message: 'Pass rate 50%', runId: 'r1' }, 'junk'],
      },
    };
    expect(describeAudit(row('label.set', details))).toBe('moved production from v1 to v2');
    expect(gateOverrideOf(row('label.set', details))).toEqual({
      reason: 'Hotfix approved',
      failedChecks: [{ kind: 'passRate', message: 'Pass rate 50%', runId: 'r1' }],
    });
    expect(gateOverrideOf(row('label.set', { label: 'production', from: 1, to: 2 }))).toBeUndefined();
  });
});

describe('gate wording and links', () => {
  it('says what production needs', () => {
    const gate = {
      suiteId: 's1',
      suiteName: 'FAQ',
      minPassRate: 0.9,
      requireNoRegression: true,
      updatedAt: null,
      updatedBy: null,
    };
    expect(describeGate(gate)).toBe(
      'Production needs a finished run of suite “FAQ” on the version with a pass rate of at least 90% and no significant regression against the production version’s run.',
    );
    expect(describeGate({ ...gate, suiteId: null })).toBe(
      'No release gate: any editor may promote any version.',
    );
  });

  it('links the run and, with a production run, the comparison', () => {
    const evidence: GateEvidence = {
      runId: 'r2',
      suiteId: 's 1',
      suiteRevision: 1,
      passRate: 0.5,
      n: 10,
      pValue: null,
      lost: null,
      gained: null,
      productionRunId: null,
      productionVersion: null,
    };
    expect(evidenceLinks(evidence)).toEqual({ run: '/suites/s%201/runs/r2' });
    expect(evidenceLinks({ ...evidence, productionRunId: 'r1' })).toEqual({
      run: '/suites/s%201/runs/r2',
      compare: '/suites/s%201/compare?baseline=r1&runs=r2',
    });
    expect(evidenceLinks(undefined)).toEqual({});
  });
});
